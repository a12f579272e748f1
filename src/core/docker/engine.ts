import type { Readable } from 'node:stream';
import type { DockerStreamEvent } from './dockerStream';
import type { EngineHost } from './engineHost';

/** Credentials for one registry, sent per request in the X-Registry-Auth header, never stored. */
export interface RegistryAuth {
  username: string;
  password: string;
  registryHost: string;
}

export interface EngineBuildOptions {
  /** Image reference to tag the result with (local, before pushing). */
  tag: string;
  /** Path of the Dockerfile inside the context tar. */
  dockerfile: string;
  buildArgs?: Record<string, string>;
  target?: string;
  platform?: string;
  pull?: boolean;
  /** Network for RUN steps ("none" where the engine has no bridge). Unset: the engine's default. */
  networkMode?: string;
  /** Registries the build may pull base images from. */
  registryAuth?: RegistryAuth[];
  /** "buildkit" asks the engine for a BuildKit build (API version 2); default the classic builder. */
  builder?: 'classic' | 'buildkit';
  /** Ignore the build cache (the classic builder's cache does not tell platforms apart). */
  noCache?: boolean;
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
  const reason =
    code === 'ENOENT' ? 'no socket there'
    : code === 'ECONNREFUSED' ? 'connection refused'
    : code === 'EACCES' ? 'permission denied (is your user in the docker group?)'
    : code === 'ETIMEDOUT' ? 'timed out'
    : (cause as Error)?.message ?? String(cause);
  return [
    `Docker daemon unreachable at ${host.host} (from ${host.source}): ${reason}.`,
    `Looked at: ${host.looked.join('; ')}.`,
    'Start Docker, or point the "ecr.docker.host" setting or DOCKER_HOST at a running engine.',
  ].join(' ');
}

/** Socket-level failures worth retrying (the engine or a proxy dropped the connection). */
export function isConnectionReset(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  if (code && ['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET'].includes(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /connection reset|broken pipe|socket hang up|unexpected EOF|premature close/i.test(message);
}

export function isAbort(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  const code = (error as { code?: string })?.code;
  return name === 'AbortError' || code === 'ABORT_ERR';
}
