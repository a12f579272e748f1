import type { Readable } from 'node:stream';
import type { DockerStreamEvent } from './dockerStream';
import type { EngineHost } from './engineHost';
import type { BuildOptions } from './buildOptions';
import type { SessionSecret } from './buildkitSession';
import { errorMessage, errorName } from '../errors';

/** Credentials for one registry, sent per request in the X-Registry-Auth header, never stored. */
export interface RegistryAuth {
  username: string;
  password: string;
  registryHost: string;
}

/** What the engine is given for one build: the build's options, spread, with the secrets' values read. */
export interface EngineBuildOptions extends Omit<BuildOptions, 'secrets'> {
  /** Image reference to tag the result with (local, before pushing). */
  tag: string;
  /** Path of the Dockerfile inside the context tar. */
  dockerfile: string;
  /** Registries the build may pull base images from. */
  registryAuth?: RegistryAuth[];
  /** BuildKit secrets, served over the build's session (BuildKit only). */
  secrets?: SessionSecret[];
}

export interface ImageDetails {
  id: string;
  /** Uncompressed size in bytes, as `docker images` shows it. */
  size: number;
  repoDigests: string[];
}

/**
 * The Docker Engine operations build-and-push and pull need. Kept this small so the transport (dockerode
 * today) can be swapped, e.g. for the CLI or Podman, without touching the flow.
 */
export interface DockerEngine {
  readonly host: EngineHost;
  /** Resolves when the daemon answers; rejects with EngineUnreachableError otherwise. */
  ping(signal?: AbortSignal): Promise<void>;
  build(context: Readable, options: EngineBuildOptions, signal?: AbortSignal): AsyncIterable<DockerStreamEvent>;
  tag(image: string, repository: string, tag: string): Promise<void>;
  push(repository: string, tag: string, auth: RegistryAuth, signal?: AbortSignal): AsyncIterable<DockerStreamEvent>;
  /** Pulls `repository` (host/name) at a tag or a digest ("sha256:…"). */
  pull(repository: string, tagOrDigest: string, auth: RegistryAuth, signal?: AbortSignal): AsyncIterable<DockerStreamEvent>;
  inspectImage(reference: string): Promise<ImageDetails>;
}

/** The daemon did not answer at the address we resolved; says where we looked and what to do. */
export class EngineUnreachableError extends Error {
  constructor(readonly host: EngineHost, readonly reason: unknown) {
    super(unreachableMessage(host, reason));
    this.name = 'EngineUnreachableError';
  }
}

function unreachableMessage(host: EngineHost, cause: unknown): string {
  const code = (cause as { code?: string })?.code;
  const message = errorMessage(cause);
  const tlsProblem = host.tls ? tlsFailure(host.tls.certPath, code, message) : undefined;
  if (tlsProblem) {
    return [
      `Docker daemon at ${host.host} (from ${host.source}) failed the TLS check: ${tlsProblem}.`,
      `Looked at: ${host.looked.join('; ')}.`,
      'Use the ca.pem, cert.pem and key.pem made for this engine (DOCKER_CERT_PATH, or the docker context\'s TLS files).',
    ].join(' ');
  }
  const sshProblem = host.host.startsWith('ssh://') ? sshFailure(message) : undefined;
  const reason =
    sshProblem ? sshProblem
    : code === 'ENOENT' ? 'no socket there'
    : code === 'ECONNREFUSED' ? 'connection refused'
    : code === 'EACCES' ? 'permission denied (is your user in the docker group?)'
    : code === 'ETIMEDOUT' ? 'timed out'
    : message;
  return [
    `Docker daemon unreachable at ${host.host} (from ${host.source}): ${reason}.`,
    `Looked at: ${host.looked.join('; ')}.`,
    'Start Docker, or point the "ecr.docker.host" setting or DOCKER_HOST at a running engine.',
  ].join(' ');
}

/** Node's and OpenSSL's words for a certificate that does not check out, said plainly. */
function tlsFailure(certPath: string, code: string | undefined, message: string): string | undefined {
  const ca = `${certPath}/ca.pem`;
  if (code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY') {
    return `the engine's certificate is not signed by the CA in ${ca} (${code})`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the engine's certificate is not issued for this host name (${message})`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return `the engine's certificate is outside its validity dates (${code})`;
  if (/alert (unknown ca|bad certificate|certificate required|certificate unknown)|ERR_SSL_TLSV1[3]?_ALERT/i.test(`${code ?? ''} ${message}`)) {
    return `the engine refused the client certificate ${certPath}/cert.pem (${message})`;
  }
  if (/no start line|bad decrypt|PEM|asn1/i.test(message)) return `the files in ${certPath} could not be read as PEM certificates and key (${message})`;
  return undefined;
}

function sshFailure(message: string): string | undefined {
  if (/authentication methods failed/i.test(message)) return 'ssh refused every key offered (the agent\'s and ~/.ssh\'s); add yours to the host\'s authorized_keys or load it in ssh-agent';
  if (/exit code|dial-stdio|command not found|docker: not found/i.test(message)) return `the ssh session could not run \`docker system dial-stdio\` on the host: is the docker CLI installed there? (${message})`;
  return undefined;
}

/** Socket-level failures worth retrying (the engine or a proxy dropped the connection). */
export function isConnectionReset(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  if (code && ['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET'].includes(code)) return true;
  const message = errorMessage(error);
  return /connection reset|broken pipe|socket hang up|unexpected EOF|premature close/i.test(message);
}

export function isAbort(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return errorName(error) === 'AbortError' || code === 'ABORT_ERR';
}
