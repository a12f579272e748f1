#!/usr/bin/env node
// The real test stack: moto (ECR API), the CNCF distribution registry (ECR's registry endpoint),
// and a Docker Engine. Idempotent: `up` reuses parts that already answer.
//
//   node test/stack/stack.mjs up      install what is missing, start every part, print the env
//   node test/stack/stack.mjs down    stop what `up` started
//   node test/stack/stack.mjs env     print the env of the running stack (shell `export` lines)
//
// State (ports, pids, data) lives in $ECR_WB_STATE or <repo>/.stack; slow installs (the moto
// venv) are cached in $ECR_WB_CACHE or ~/.cache/ecr-workbench so a second run starts in seconds.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, openSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const STATE = process.env.ECR_WB_STATE || path.join(REPO, '.stack');
export const CACHE = process.env.ECR_WB_CACHE || path.join(os.homedir(), '.cache', 'ecr-workbench');
const STATE_FILE = path.join(STATE, 'state.json');

/** moto's GetAuthorizationToken password; the registry's htpasswd user AWS gets it. */
export const REGISTRY_PASSWORD = '123456789012-auth-token';
/** Stand-in Aqueduct bases: a busybox root filesystem imported under the real names. */
export const STAND_IN_IMAGES = [
  'aqueducthq/function310:0.3.6',
  'aqueducthq/function39:0.3.6',
  'aqueducthq/gpu_cuda1180_py310:0.3.6',
];
const APT_PACKAGES = { dockerd: 'docker.io', 'docker-registry': 'docker-registry', busybox: 'busybox-static' };

/** A one-line, actionable failure: what is missing and how to get it. */
export class StackError extends Error {}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;
const log = (message) => process.stderr.write(`[stack] ${message}\n`);

function readState() {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return {};
  }
}
function writeState(state) {
  mkdirSync(STATE, { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** GET over TCP or a unix socket; resolves with the status code, or undefined when nothing answers. */
export function probe(url, { socketPath, timeoutMs = 1500 } = {}) {
  return new Promise((resolve) => {
    const request = http.get(url, { socketPath, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

async function waitUntil(what, check, timeoutMs, logFile) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  let tail = '';
  if (logFile && existsSync(logFile)) tail = `\n--- last lines of ${logFile} ---\n${readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')}`;
  throw new StackError(`${what} did not become ready within ${timeoutMs / 1000}s${tail}`);
}

function startDetached(command, args, logName, env = process.env) {
  mkdirSync(STATE, { recursive: true });
  const logFile = path.join(STATE, `${logName}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], env });
  child.unref();
  return { pid: child.pid, logFile };
}

// ---------------------------------------------------------------------------------------------
// Installing

let aptUpdated = false;
function aptInstall(packages) {
  if (!isRoot()) {
    throw new StackError(`missing ${packages.join(', ')}: run \`sudo apt-get install -y ${packages.join(' ')}\` (Debian/Ubuntu), or run as root so the test stack can install it`);
  }
  if (!which('apt-get')) {
    throw new StackError(`missing ${packages.join(', ')} and no apt-get here: install ${packages.join(', ')} with your system's package manager`);
  }
  log(`installing ${packages.join(' ')} with apt-get (once)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    const update = spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (update.status !== 0) throw new StackError('apt-get update failed: check the network or your apt sources');
    aptUpdated = true;
  }
  const result = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (result.status !== 0) throw new StackError(`apt-get install ${packages.join(' ')} failed (exit ${result.status})`);
}

/** Installs the Debian packages a part needs, when its command is missing. */
export function ensureCommands(commands) {
  const missing = commands.filter((cmd) => !which(cmd) && !(cmd === 'busybox' && existsSync('/bin/busybox')));
  if (missing.length > 0) aptInstall(missing.map((cmd) => APT_PACKAGES[cmd] ?? cmd));
}

/** The moto server, in a cached Python venv. */
export function ensureMoto() {
  const venv = path.join(CACHE, 'venv');
  const motoServer = path.join(venv, 'bin', 'moto_server');
  if (existsSync(motoServer)) return motoServer;
  const python = which('python3');
  if (!python) throw new StackError('missing python3: install Python 3.9+ (`apt-get install -y python3 python3-venv`) for the moto ECR server');
  mkdirSync(CACHE, { recursive: true });
  log('creating the moto venv (once, ~1 min)');
  let result = spawnSync(python, ['-m', 'venv', venv], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) {
    if (isRoot() && which('apt-get')) {
      aptInstall(['python3-venv']);
      result = spawnSync(python, ['-m', 'venv', venv], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    if (result.status !== 0) throw new StackError('python3 cannot create a venv: install python3-venv (`apt-get install -y python3-venv`)');
  }
  result = spawnSync(path.join(venv, 'bin', 'pip'), ['install', '-q', 'moto[server]==5.2.5'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    rmSync(venv, { recursive: true, force: true });
    throw new StackError('pip install moto[server] failed: check that PyPI is reachable');
  }
  return motoServer;
}

// ---------------------------------------------------------------------------------------------
// Parts

async function startMoto(state) {
  if (state.moto && alive(state.moto.pid) && (await probe(`${state.moto.url}/moto-api/`)) === 200) return false;
  const motoServer = ensureMoto();
  const port = await freePort();
  const { pid, logFile } = startDetached(motoServer, ['-H', '127.0.0.1', '-p', String(port)], 'moto');
  const url = `http://127.0.0.1:${port}`;
  state.moto = { pid, url };
  await waitUntil('moto server', async () => (await probe(`${url}/moto-api/`)) === 200, 60_000, logFile);
  log(`moto (ECR API) at ${url}`);
  return true;
}

async function htpasswdEntry(user, password) {
  // bcryptjs: the registry accepts only bcrypt entries, and this avoids apache2-utils.
  const { default: bcrypt } = await import('bcryptjs');
  return `${user}:${bcrypt.hashSync(password, 10)}\n`;
}

async function startRegistry(state) {
  if (state.registry && alive(state.registry.pid) && (await probe(`http://${state.registry.host}/v2/`)) === 401) return false;
  ensureCommands(['docker-registry']);
  const dir = path.join(STATE, 'registry');
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'htpasswd'), await htpasswdEntry('AWS', REGISTRY_PASSWORD));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  writeFileSync(
    path.join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      '  headers:',
      '    X-Content-Type-Options: [nosniff]',
      'auth:',
      '  htpasswd:',
      '    realm: ecr-workbench-test',
      `    path: ${path.join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  );
  const { pid, logFile } = startDetached('docker-registry', ['serve', path.join(dir, 'config.yml')], 'registry');
  state.registry = { pid, host };
  await waitUntil('docker-registry', async () => (await probe(`http://${host}/v2/`)) === 401, 30_000, logFile);
  log(`registry at ${host} (user AWS)`);
  return true;
}

function socketOf(dockerHost) {
  return dockerHost?.startsWith('unix://') ? dockerHost.slice('unix://'.length) : undefined;
}

async function engineAnswers(dockerHost) {
  const socketPath = socketOf(dockerHost);
  if (socketPath) return (await probe('http://docker/_ping', { socketPath })) === 200;
  if (dockerHost?.startsWith('tcp://')) return (await probe(`http://${dockerHost.slice(6)}/_ping`)) === 200;
  return false;
}

async function startDocker(state) {
  // Prefer an engine that already answers: the developer's own, or ours from an earlier `up`.
  for (const candidate of [state.docker?.host, process.env.DOCKER_HOST, 'unix:///var/run/docker.sock']) {
    if (candidate && (await engineAnswers(candidate))) {
      state.docker = { ...(state.docker?.host === candidate ? state.docker : {}), host: candidate };
      return false;
    }
  }
  if (!isRoot()) {
    throw new StackError('no Docker Engine answers at DOCKER_HOST or /var/run/docker.sock: start Docker (or run as root so the test stack starts its own)');
  }
  ensureCommands(['dockerd']);
  const dir = path.join(STATE, 'docker');
  mkdirSync(dir, { recursive: true });
  const socket = path.join(STATE, 'docker.sock');
  const host = `unix://${socket}`;
  const pidfile = path.join(STATE, 'dockerd.pid');
  rmSync(pidfile, { force: true });
  // No bridge and no iptables: builds run with network "none" (nothing to reach offline anyway).
  const { pid, logFile } = startDetached(
    'dockerd',
    ['--storage-driver=vfs', '--iptables=false', '--ip6tables=false', '--bridge=none', '-H', host, '--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'exec'), '--pidfile', pidfile],
    'dockerd',
  );
  state.docker = { pid, host, ours: true };
  await waitUntil('dockerd', () => engineAnswers(host), 60_000, logFile);
  log(`Docker Engine at ${host}`);
  return true;
}

function dockerCli(dockerHost, args, input) {
  return spawnSync('docker', args, { encoding: 'utf8', input, env: { ...process.env, DOCKER_HOST: dockerHost } });
}

/** Imports a busybox root filesystem under each stand-in name (nothing can be pulled offline). */
async function ensureStandInImages(dockerHost) {
  const missing = STAND_IN_IMAGES.filter((image) => dockerCli(dockerHost, ['image', 'inspect', image]).status !== 0);
  if (missing.length === 0) return;
  if (!which('docker')) throw new StackError('missing the docker CLI: install docker.io (`apt-get install -y docker.io`)');
  ensureCommands(['busybox']);
  const root = path.join(STATE, 'busybox-root');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(root, 'bin'), { recursive: true });
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  copyFileSync(existsSync('/bin/busybox') ? '/bin/busybox' : which('busybox'), path.join(root, 'bin', 'busybox'));
  for (const applet of ['sh', 'ls', 'cat', 'echo', 'mkdir', 'touch', 'rm', 'cp', 'mv', 'true', 'false', 'test', 'env', 'sleep', 'wc', 'grep', 'sed']) {
    symlinkSync('busybox', path.join(root, 'bin', applet));
  }
  const tarball = path.join(STATE, 'busybox-root.tar');
  const tar = spawnSync('tar', ['-C', root, '-cf', tarball, '.']);
  if (tar.status !== 0) throw new StackError('tar failed to pack the busybox root filesystem');
  for (const image of missing) {
    const result = dockerCli(dockerHost, ['import', '--change', 'ENV PATH=/bin', tarball, image]);
    if (result.status !== 0) throw new StackError(`docker import ${image} failed: ${result.stderr.trim()}`);
    log(`stand-in image ${image} imported`);
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** The environment the tests and the extension read to find the stack. */
export function stackEnvironment(state = readState()) {
  return {
    ECR_WB_ECR_ENDPOINT: state.moto?.url,
    ECR_WB_REGISTRY: state.registry?.host,
    DOCKER_HOST: state.docker?.host,
  };
}

/**
 * Starts the parts asked for (default: all). Returns the env and the parts it started itself,
 * so the caller stops only those.
 */
export async function up(parts = ['moto', 'registry', 'docker']) {
  const state = readState();
  const started = [];
  try {
    if (parts.includes('moto') && (await startMoto(state))) started.push('moto');
    if (parts.includes('registry') && (await startRegistry(state))) started.push('registry');
    if (parts.includes('docker')) {
      if (await startDocker(state)) started.push('docker');
      await ensureStandInImages(state.docker.host);
    }
  } finally {
    writeState(state);
  }
  return { env: stackEnvironment(state), started };
}

export async function down(parts = ['moto', 'registry', 'docker']) {
  const state = readState();
  for (const part of parts) {
    const entry = state[part];
    if (!entry?.pid || (part === 'docker' && !entry.ours)) continue;
    if (alive(entry.pid)) {
      process.kill(entry.pid, 'SIGTERM');
      const deadline = Date.now() + 15_000;
      while (alive(entry.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      if (alive(entry.pid)) process.kill(entry.pid, 'SIGKILL');
    }
    delete state[part];
  }
  writeState(state);
}

async function main() {
  const [command = 'up', ...rest] = process.argv.slice(2);
  const parts = rest.length > 0 ? rest : undefined;
  if (command === 'up') {
    const { env } = await up(parts);
    for (const [key, value] of Object.entries(env)) if (value) console.log(`export ${key}=${value}`);
  } else if (command === 'down') {
    await down(parts);
    log('stopped');
  } else if (command === 'env') {
    for (const [key, value] of Object.entries(stackEnvironment())) if (value) console.log(`export ${key}=${value}`);
  } else {
    console.error('usage: node test/stack/stack.mjs up|down|env [moto registry docker]');
    process.exit(2);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof StackError ? `[stack] ${error.message}` : error);
    process.exit(1);
  });
}
