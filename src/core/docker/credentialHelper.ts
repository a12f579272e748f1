/**
 * "A login that lasts": instead of `docker login` writing a 12-hour ECR token in plain text (base64)
 * to docker's config.json, point docker at amazon-ecr-credential-helper for the registry:
 * `credHelpers[<registry host>] = "ecr-login"`. Docker then asks `docker-credential-ecr-login` for a
 * fresh token on every pull and push, from the user's AWS credentials; nothing secret is stored.
 * This module finds the helper on PATH, computes the change (shown to the user as a diff first, with
 * any stored secret masked), and writes it atomically, leaving every other key as it was.
 */
import { constants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorMessage } from '../errors';

export const ECR_LOGIN_HELPER = 'ecr-login';
export const HELPER_BINARY = `docker-credential-${ECR_LOGIN_HELPER}`;

/** The helper's path on PATH, or undefined (Debian/Ubuntu: apt-get install amazon-ecr-credential-helper). */
export async function findCredentialHelper(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const names = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').map((ext) => `${HELPER_BINARY}${ext.toLowerCase()}`) : [HELPER_BINARY];
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        await fs.access(candidate, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Docker's config file: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json');
}

type DockerConfig = Record<string, unknown> & {
  auths?: Record<string, Record<string, unknown>>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
};

export interface CredentialHelperChange {
  configFile: string;
  registryHost: string;
  /** Nothing to do: the helper is already configured and no secret is stored for the registry. */
  unchanged: boolean;
  /** The stored token this change removes (auths[<host>] with an auth or password), if any. */
  removesStoredSecret: boolean;
  /** The file's new text (docker's own layout: tab-indented JSON). */
  text: string;
  /** Before/after for a diff view, secrets masked: safe to show and to log. */
  before: string;
  after: string;
}

const SECRET_KEYS = new Set(['auth', 'password', 'identitytoken', 'registrytoken']);

/** The config as text with every secret value replaced, so a diff never shows a token. */
export function maskSecrets(config: unknown): string {
  return JSON.stringify(
    config ?? {},
    (key, value) => (SECRET_KEYS.has(key.toLowerCase()) && typeof value === 'string' && value ? '<secret removed from view>' : value),
    '\t',
  );
}

/**
 * The change that makes docker use the ECR credential helper for `registryHost`: sets
 * credHelpers[host] and removes auths[host] (the plain-text token an earlier `docker login` left).
 * Everything else in the file is kept. `currentText` undefined: the file does not exist yet.
 */
export function planCredentialHelperChange(currentText: string | undefined, registryHost: string, configFile: string): CredentialHelperChange {
  const host = registryHost.trim().replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (!host || /[\s/]/.test(host)) throw new Error(`"${registryHost}" is not a registry host.`);
  let config: DockerConfig;
  try {
    config = currentText === undefined || currentText.trim() === '' ? {} : (JSON.parse(currentText) as DockerConfig);
  } catch (error) {
    throw new Error(`${configFile} is not valid JSON (${errorMessage(error)}); docker cannot read it either. Fix or move it, then try again. Nothing was changed.`, { cause: error });
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw new Error(`${configFile} does not hold a JSON object; fix or move it, then try again. Nothing was changed.`);
  if (config.credHelpers !== undefined && (typeof config.credHelpers !== 'object' || Array.isArray(config.credHelpers))) {
    throw new Error(`"credHelpers" in ${configFile} is not an object; fix it, then try again. Nothing was changed.`);
  }
  const next: DockerConfig = structuredClone(config);
  next.credHelpers = { ...(next.credHelpers ?? {}), [host]: ECR_LOGIN_HELPER };
  const stored = next.auths?.[host];
  const removesStoredSecret = Boolean(stored && Object.keys(stored).some((key) => SECRET_KEYS.has(key.toLowerCase())));
  if (stored && next.auths) {
    delete next.auths[host];
    if (Object.keys(next.auths).length === 0) delete next.auths;
  }
  const unchanged = config.credHelpers?.[host] === ECR_LOGIN_HELPER && !stored;
  return {
    configFile,
    registryHost: host,
    unchanged,
    removesStoredSecret,
    text: `${JSON.stringify(next, null, '\t')}\n`,
    before: currentText === undefined ? '' : maskSecrets(config),
    after: maskSecrets(next),
  };
}

/** The change in words, for the confirmation before writing. */
export function describeCredentialHelperChange(change: CredentialHelperChange): string {
  if (change.unchanged) return `docker already uses the ECR credential helper for ${change.registryHost} (${change.configFile}).`;
  return [
    `Set credHelpers["${change.registryHost}"] = "${ECR_LOGIN_HELPER}" in ${change.configFile}: docker will get a fresh ECR token from ${HELPER_BINARY} for every pull and push, using your AWS credentials. No token is stored.`,
    change.removesStoredSecret ? `The plain-text token an earlier "docker login" stored for ${change.registryHost} is removed.` : undefined,
    'Other registries and settings in the file are kept as they are.',
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * Reads the config, plans the change and writes it through a temporary file in the same folder and
 * a rename (never a half-written config), keeping the file's mode (0600 for a new file).
 * Returns the change that was applied. Refuses when the file changed since `expected` was planned.
 */
export async function applyCredentialHelperChange(change: CredentialHelperChange, options: { expectedText?: string | undefined } = {}): Promise<CredentialHelperChange> {
  const current = await readIfExists(change.configFile);
  if ('expectedText' in options && current !== options.expectedText) {
    throw new Error(`${change.configFile} changed since the change was shown; nothing was written. Try again to see the new change.`);
  }
  if (change.unchanged) return change;
  const dir = path.dirname(change.configFile);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  let mode = 0o600;
  try {
    mode = (await fs.stat(change.configFile)).mode & 0o777;
  } catch {
    // new file: 0600, like docker's
  }
  const temporary = path.join(dir, `.config.json.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(temporary, 'wx', mode);
  try {
    await handle.writeFile(change.text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.chmod(temporary, mode);
    await fs.rename(temporary, change.configFile);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  return change;
}

export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Plans from the file on disk: what the VS Code layer shows before asking. */
export async function planFromDisk(registryHost: string, env: NodeJS.ProcessEnv = process.env): Promise<{ change: CredentialHelperChange; currentText: string | undefined }> {
  const configFile = dockerConfigPath(env);
  const currentText = await readIfExists(configFile);
  return { change: planCredentialHelperChange(currentText, registryHost, configFile), currentText };
}
