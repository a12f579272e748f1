import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where the Docker Engine address came from, in the order it is looked for. */
export type EngineHostSource = 'setting' | 'DOCKER_HOST' | 'docker context' | 'default socket';

export interface EngineHost {
  /** The address as written: unix:///var/run/docker.sock, tcp://host:2375, ssh://user@host, npipe:////./pipe/docker_engine */
  readonly host: string;
  readonly source: EngineHostSource;
  /** Every place looked at, for the "daemon unreachable" message ("DOCKER_HOST: unset", …). */
  readonly looked: string[];
  /** TLS material from DOCKER_CERT_PATH or the docker context, when the engine wants TLS. */
  readonly tls?: { certPath: string; verify: boolean };
  /** For ssh:// engines: the ssh agent (SSH_AUTH_SOCK) and the key file found in ~/.ssh, if any. */
  readonly ssh?: { agent?: string; identityFile?: string };
}

export interface EngineHostInputs {
  /** The `ecr.docker.host` setting; empty means unset. */
  setting?: string;
  env?: NodeJS.ProcessEnv;
  /** Docker's config folder ($DOCKER_CONFIG or ~/.docker). */
  dockerConfigDir?: string;
  platform?: NodeJS.Platform;
}

export const DEFAULT_UNIX_SOCKET = 'unix:///var/run/docker.sock';
export const DEFAULT_WINDOWS_PIPE = 'npipe:////./pipe/docker_engine';

/**
 * Finds the Docker Engine the way the docker CLI does, with the extension's setting first:
 * `ecr.docker.host`, then DOCKER_HOST, then DOCKER_CONTEXT or the config's currentContext, then the
 * platform's default socket.
 */
export function resolveEngineHost(inputs: EngineHostInputs = {}): EngineHost {
  const env = inputs.env ?? process.env;
  const platform = inputs.platform ?? process.platform;
  const configDir = inputs.dockerConfigDir ?? env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');
  const looked: string[] = [];

  // As with the CLI's -H, DOCKER_CERT_PATH / DOCKER_TLS_VERIFY apply to a tcp:// address given either way.
  const envTls = env.DOCKER_TLS_VERIFY || env.DOCKER_CERT_PATH
    ? { certPath: env.DOCKER_CERT_PATH || configDir, verify: Boolean(env.DOCKER_TLS_VERIFY && env.DOCKER_TLS_VERIFY !== '0') }
    : undefined;
  const setting = inputs.setting?.trim();
  if (setting) {
    looked.push(`setting ecr.docker.host: ${setting}`);
    return withTransport({ host: setting, source: 'setting', looked, tls: setting.startsWith('tcp://') ? envTls : undefined }, env);
  }
  looked.push('setting ecr.docker.host: empty');

  const fromEnv = env.DOCKER_HOST?.trim();
  if (fromEnv) {
    looked.push(`DOCKER_HOST: ${fromEnv}`);
    return withTransport({ host: fromEnv, source: 'DOCKER_HOST', looked, tls: envTls }, env);
  }
  looked.push('DOCKER_HOST: unset');

  const context = currentContext(env, configDir);
  if (context.name && context.name !== 'default') {
    const endpoint = readContextEndpoint(configDir, context.name);
    if (endpoint.host) {
      looked.push(`docker context "${context.name}" (${context.from}): ${endpoint.host}`);
      // The CLI keeps a context's TLS files under contexts/tls/<sha256 of its name>/docker/.
      const certPath = path.join(path.dirname(path.dirname(path.dirname(contextMetaPath(configDir, context.name)))), 'tls', path.basename(path.dirname(contextMetaPath(configDir, context.name))), 'docker');
      const tls = existsSync(certPath) ? { certPath, verify: !endpoint.skipTLSVerify } : undefined;
      return withTransport({ host: endpoint.host, source: 'docker context', looked, tls }, env);
    }
    looked.push(`docker context "${context.name}" (${context.from}): ${endpoint.problem}`);
  } else {
    looked.push(`docker context: ${context.name === 'default' ? '"default"' : 'none set'} in ${path.join(configDir, 'config.json')}`);
  }

  const fallback = platform === 'win32' ? DEFAULT_WINDOWS_PIPE : DEFAULT_UNIX_SOCKET;
  looked.push(`default socket: ${fallback}`);
  return { host: fallback, source: 'default socket', looked };
}

/**
 * Adds what a remote address needs to `looked` (and so to every failure message): which TLS files
 * are used, and for ssh:// the agent or key that will be offered.
 */
function withTransport(host: EngineHost, env: NodeJS.ProcessEnv): EngineHost {
  const looked = host.looked;
  if (host.tls && /^(tcp|https):\/\//.test(host.host)) {
    looked.push(`TLS: ca.pem, cert.pem, key.pem in ${host.tls.certPath}${host.tls.verify ? '' : ' (engine certificate not verified)'}`);
  }
  if (!host.host.startsWith('ssh://')) return host;
  const agent = env.SSH_AUTH_SOCK?.trim() || undefined;
  const home = env.HOME?.trim() || os.homedir();
  // The keys ssh offers by default, in its order.
  const identityFile = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => path.join(home, '.ssh', name)).find((file) => existsSync(file));
  looked.push(`ssh: agent ${agent ? `at ${agent}` : 'SSH_AUTH_SOCK unset'}, key ${identityFile ?? `none of id_ed25519, id_ecdsa, id_rsa in ${path.join(home, '.ssh')}`}`);
  return { ...host, ssh: { agent, identityFile } };
}

function currentContext(env: NodeJS.ProcessEnv, configDir: string): { name?: string; from: string } {
  if (env.DOCKER_CONTEXT?.trim()) {
    return { name: env.DOCKER_CONTEXT.trim(), from: 'DOCKER_CONTEXT' };
  }
  try {
    const config = JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8')) as { currentContext?: unknown };
    if (typeof config.currentContext === 'string' && config.currentContext) {
      return { name: config.currentContext, from: 'config.json currentContext' };
    }
  } catch {
    // No config or unreadable: the CLI treats that as the default context, and so do we.
  }
  return { from: 'config.json' };
}

/** Docker stores a context's metadata under contexts/meta/<sha256 of its name>/meta.json. */
export function contextMetaPath(configDir: string, name: string): string {
  const digest = createHash('sha256').update(name).digest('hex');
  return path.join(configDir, 'contexts', 'meta', digest, 'meta.json');
}

function readContextEndpoint(configDir: string, name: string): { host?: string; skipTLSVerify?: boolean; problem?: string } {
  const file = contextMetaPath(configDir, name);
  try {
    const meta = JSON.parse(readFileSync(file, 'utf8')) as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
    const host = meta.Endpoints?.docker?.Host;
    if (typeof host === 'string' && host) {
      return { host, skipTLSVerify: meta.Endpoints?.docker?.SkipTLSVerify === true };
    }
    return { problem: `no Endpoints.docker.Host in ${file}` };
  } catch {
    return { problem: `metadata not found at ${file}` };
  }
}

/** Connection options for docker-modem, from an engine address. */
export type EngineAddress =
  | { kind: 'socket'; socketPath: string }
  | { kind: 'tcp'; protocol: 'http' | 'https'; host: string; port: number }
  | { kind: 'ssh'; host: string; port: number; username?: string };

export function parseEngineHost(host: string, tls?: EngineHost['tls']): EngineAddress {
  if (host.startsWith('unix://')) {
    return { kind: 'socket', socketPath: host.slice('unix://'.length) };
  }
  if (host.startsWith('npipe://')) {
    // npipe:////./pipe/docker_engine → \\.\pipe\docker_engine
    return { kind: 'socket', socketPath: host.slice('npipe://'.length).replace(/\//g, '\\') };
  }
  if (host.startsWith('/')) {
    return { kind: 'socket', socketPath: host };
  }
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new Error(`"${host}" is not a Docker Engine address; use unix:///path/docker.sock, tcp://host:port or ssh://user@host`);
  }
  if (url.protocol === 'ssh:') {
    return { kind: 'ssh', host: url.hostname, port: Number(url.port || 22), username: url.username || undefined };
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const secure = url.protocol === 'https:' || Boolean(tls);
    return { kind: 'tcp', protocol: secure ? 'https' : 'http', host: url.hostname, port: Number(url.port || (secure ? 2376 : 2375)) };
  }
  throw new Error(`"${host}" uses an unsupported scheme ${url.protocol}; use unix://, tcp:// or ssh://`);
}
