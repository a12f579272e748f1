#!/usr/bin/env node
// The real test stack: moto (ECR API), the CNCF distribution registry (ECR's registry endpoint),
// and a Docker Engine. Idempotent: `up` reuses parts that already answer.
//
//   node test/stack/stack.mjs up      install what is missing, start every part, print the env
//   node test/stack/stack.mjs down    stop what `up` started
//   node test/stack/stack.mjs env     print the env of the running stack (shell `export` lines)
//
// The ECR API the extension and tests talk to is the ECR front (test/stack/ecrFront.ts) in front of
// moto: it pages as ECR does and joins moto to the registry (the registry's push notifications
// register images with moto; deletes through the API are mirrored to the registry).
//
// State (ports, pids, data) lives in $ECR_WB_STATE or <repo>/.stack; slow installs (the moto
// venv, Node 24, code-server) are cached in $ECR_WB_CACHE or ~/.cache/ecr-workbench so a second
// run starts in seconds. Every child process gets childEnv() (no inherited npm_* variables).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, openSync, rmSync, symlinkSync, copyFileSync, cpSync, chmodSync, readdirSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { childEnv } from './childEnv.mjs';
import { runInstaller, withSetupLock } from './install.mjs';
import { remoteEnginesEnvironment, startRemoteEngines, stopRemoteEngines } from './remoteEngines.mjs';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const STATE = process.env.ECR_WB_STATE || path.join(REPO, '.stack');
export const CACHE = process.env.ECR_WB_CACHE || path.join(os.homedir(), '.cache', 'ecr-workbench');
const STATE_FILE = path.join(STATE, 'state.json');

/** moto's GetAuthorizationToken password; the registry's htpasswd user AWS gets it. */
export const REGISTRY_PASSWORD = '123456789012-auth-token';
/** Stand-in Aqueduct bases, imported under the real names (see ensureStandInImages). */
export const STAND_IN_IMAGES = [
  'aqueducthq/function310:0.3.6',
  'aqueducthq/function39:0.3.6',
  'aqueducthq/gpu_cuda1180_py310:0.3.6',
];
/** The label naming an image's Aqueduct base (src/core/images/preflight.ts reads it). */
const STAND_IN_LABEL = 'com.aqueducthq.base';
const APT_PACKAGES = {
  dockerd: 'docker.io',
  docker: 'docker.io',
  'docker-registry': 'docker-registry',
  busybox: 'busybox-static',
  'docker-credential-ecr-login': 'amazon-ecr-credential-helper',
  sshd: 'openssh-server',
  'ssh-keygen': 'openssh-client',
  openssl: 'openssl',
  // Images "made outside" the extension in the fault-proxy tests (issue 21): Debian's skopeo and buildah.
  skopeo: 'skopeo',
  buildah: 'buildah',
};

/** A one-line, actionable failure: what is missing and how to get it. */
export class StackError extends Error {}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8', env: childEnv() }).stdout.trim() || undefined;
const log = (message) => process.stderr.write(`[stack] ${message}\n`);

/** Runs an install step and logs how long it took (CI prints these for a fresh machine). */
export function timed(what, work) {
  const started = Date.now();
  const result = work();
  log(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

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

function startDetached(command, args, logName, env = childEnv(), cwd = undefined) {
  mkdirSync(STATE, { recursive: true });
  const logFile = path.join(STATE, `${logName}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], env, cwd });
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
  const env = childEnv({ DEBIAN_FRONTEND: 'noninteractive' });
  if (!aptUpdated) {
    const update = timed('apt-get update', () => spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'], env }));
    if (update.status !== 0) throw new StackError('apt-get update failed: check the network or your apt sources');
    aptUpdated = true;
  }
  const result = timed(`apt-get install ${packages.join(' ')}`, () => spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env }));
  if (result.status !== 0) throw new StackError(`apt-get install ${packages.join(' ')} failed (exit ${result.status})`);
}

/** Installs the Debian packages a part needs, when its command is missing. */
export function ensureCommands(commands) {
  const missing = commands.filter((cmd) => !which(cmd) && !(cmd === 'busybox' && existsSync('/bin/busybox')));
  if (missing.length > 0) aptInstall(missing.map((cmd) => APT_PACKAGES[cmd] ?? cmd));
}

/** The moto server, in a cached Python venv. One setup installs it at a time (withSetupLock). */
export function ensureMoto() {
  const venv = path.join(CACHE, 'venv');
  const motoServer = path.join(venv, 'bin', 'moto_server');
  if (existsSync(motoServer)) return motoServer;
  return withSetupLock(CACHE, 'installing moto', () => {
    // Another setup may have installed it while this one waited.
    if (existsSync(motoServer)) return motoServer;
    const python = which('python3');
    if (!python) throw new StackError('missing python3: install Python 3.9+ (`apt-get install -y python3 python3-venv`) for the moto ECR server');
    log(`creating the moto venv in ${venv} (once, ~1 min)`);
    const env = childEnv();
    rmSync(venv, { recursive: true, force: true });
    let result = spawnSync(python, ['-m', 'venv', venv], { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (result.status !== 0) {
      if (isRoot() && which('apt-get')) {
        aptInstall(['python3-venv']);
        result = spawnSync(python, ['-m', 'venv', venv], { stdio: ['ignore', 'ignore', 'inherit'], env });
      }
      if (result.status !== 0) throw new StackError('python3 cannot create a venv: install python3-venv (`apt-get install -y python3-venv`)');
    }
    const pipLog = path.join(CACHE, 'pip-install.log');
    const pip = timed('pip install moto[server]', () => runInstaller('pip install moto[server]', path.join(venv, 'bin', 'pip'), ['install', '--progress-bar', 'off', 'moto[server]==5.2.5'], { env, logFile: pipLog }));
    if (pip.status !== 0) {
      rmSync(venv, { recursive: true, force: true });
      throw new StackError(`pip install moto[server] failed (exit ${pip.status ?? 'none'}); pip's last lines (all in ${pipLog}):\n${pip.tail}`);
    }
    return motoServer;
  });
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
  ensureCommands(['docker-registry', 'skopeo', 'buildah']);
  const dir = path.join(STATE, 'registry');
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'htpasswd'), await htpasswdEntry('AWS', REGISTRY_PASSWORD));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  // The front's port is chosen now: the registry's notifications go there (they are retried until
  // the front answers, so the front may start after the registry).
  state.frontPort ??= await freePort();
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
      // Every manifest push and pull is posted to the ECR front, which registers pushes with moto.
      'notifications:',
      '  endpoints:',
      '    - name: ecr-front',
      `      url: http://127.0.0.1:${state.frontPort}/_front/registry-events`,
      '      timeout: 5s',
      '      threshold: 5',
      '      backoff: 200ms',
      '      ignoredmediatypes:',
      '        - application/octet-stream',
      '',
    ].join('\n'),
  );
  const { pid, logFile } = startDetached('docker-registry', ['serve', path.join(dir, 'config.yml')], 'registry');
  state.registry = { pid, host };
  await waitUntil('docker-registry', async () => (await probe(`http://${host}/v2/`)) === 401, 30_000, logFile);
  log(`registry at ${host} (user AWS)`);
  return true;
}

/** The ECR front (test/stack/ecrFront.ts) before moto, joined to the registry when it runs. */
async function startFront(state) {
  const registry = state.registry?.host ?? null;
  if (state.front && alive(state.front.pid) && state.front.moto === state.moto.url && state.front.registry === registry) {
    const health = await fetch(`${state.front.url}/_front/health`).then((r) => r.ok).catch(() => false);
    if (health) return false;
  }
  if (state.front?.pid && alive(state.front.pid)) process.kill(state.front.pid, 'SIGTERM');
  state.frontPort ??= await freePort();
  const url = `http://127.0.0.1:${state.frontPort}`;
  const args = ['--import', 'tsx', path.join(REPO, 'test', 'stack', 'ecrFront.ts'), '--moto', state.moto.url, '--port', String(state.frontPort)];
  if (registry) args.push('--registry', registry);
  const { pid, logFile } = startDetached(process.execPath, args, 'ecr-front', childEnv(), REPO);
  state.front = { pid, url, moto: state.moto.url, registry };
  await waitUntil('ECR front', async () => (await probe(`${url}/_front/health`)) === 200, 30_000, logFile);
  log(`ECR front at ${url} (pages like ECR; joins moto and the registry)`);
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
  return spawnSync('docker', args, { encoding: 'utf8', input, env: childEnv({ DOCKER_HOST: dockerHost }) });
}

/**
 * Stand-in Aqueduct bases (nothing can be pulled offline): busybox for the shell, and the machine's
 * own Debian Python 3.11 with pip copied in (interpreter, the shared libraries it and its extension
 * modules load, the standard library), so `RUN pip install --no-cache-dir -r requirements.txt` runs
 * for real (offline: requirements already satisfied, or local paths). GPU stand-ins add a `conda`
 * script that does what Aqueduct's GPU images use it for, `conda run -n py3XX_env CMD…`: it runs CMD
 * with that same Python. The image's Python is 3.11 whatever the name says (function39 included).
 */
async function ensureStandInImages(dockerHost) {
  // Missing, or made before the stand-ins carried their Aqueduct label: (re)imported.
  const missing = STAND_IN_IMAGES.filter((image) => {
    const inspected = dockerCli(dockerHost, ['image', 'inspect', '--format', `{{index .Config.Labels "${STAND_IN_LABEL}"}}`, image]);
    return inspected.status !== 0 || inspected.stdout.trim() !== image;
  });
  if (missing.length === 0) return;
  if (!which('docker')) throw new StackError('missing the docker CLI: install docker.io (`apt-get install -y docker.io`)');
  ensureCommands(['busybox']);
  timed('stand-in base images', () => {
    const root = path.join(STATE, 'stand-in-root');
    buildStandInRoot(root);
    const cpuTar = path.join(STATE, 'stand-in-cpu.tar');
    packRoot(root, cpuTar);
    mkdirSync(path.join(root, 'opt', 'conda', 'bin'), { recursive: true });
    writeFileSync(path.join(root, 'opt', 'conda', 'bin', 'conda'), CONDA_STAND_IN, { mode: 0o755 });
    const gpuTar = path.join(STATE, 'stand-in-gpu.tar');
    packRoot(root, gpuTar);
    for (const image of missing) {
      const gpu = /gpu|llm/.test(image);
      const changes = ['--change', `ENV PATH=${gpu ? '/opt/conda/bin:' : ''}/usr/local/bin:/usr/bin:/bin`, '--change', 'ENV PIP_DISABLE_PIP_VERSION_CHECK=1', '--change', 'ENV PIP_ROOT_USER_ACTION=ignore'];
      // Named as an Aqueduct base in its label (inherited by every image built FROM it) and its history's
      // comment, so Check Image recognises images built on it, as it does those built on the real bases.
      changes.push('--change', `LABEL ${STAND_IN_LABEL}=${image}`, '--message', `stand-in for ${image} (ECR Workbench test stack)`);
      const result = dockerCli(dockerHost, ['import', ...changes, gpu ? gpuTar : cpuTar, image]);
      if (result.status !== 0) throw new StackError(`docker import ${image} failed: ${result.stderr.trim()}`);
      log(`stand-in image ${image} imported (busybox, Python 3.11 with pip${gpu ? ', conda run' : ''})`);
    }
    rmSync(root, { recursive: true, force: true });
  });
}

const CONDA_STAND_IN = `#!/bin/sh
# Stand-in for conda in ECR Workbench's test images: only \`conda run -n ENV CMD...\` is provided,
# and it runs CMD with the image's one Python (Aqueduct's GPU bases keep pip in py3XX_env).
if [ "$1" = run ]; then
  shift
  while [ $# -gt 0 ]; do
    case "$1" in
      -n|--name|-p|--prefix) shift 2 ;;
      --no-capture-output|--live-stream|-v|--verbose) shift ;;
      *) break ;;
    esac
  done
  exec "$@"
fi
echo "conda (test stand-in): only 'conda run -n ENV COMMAND...' is available here" >&2
exit 1
`;

function packRoot(root, tarball) {
  const tar = spawnSync('tar', ['-C', root, '-cf', tarball, '.'], { env: childEnv() });
  if (tar.status !== 0) throw new StackError(`tar failed to pack ${root}`);
}

/** Shared libraries a binary loads, as ldd resolves them on this machine. */
function sharedLibraries(binary) {
  const ldd = spawnSync('ldd', [binary], { encoding: 'utf8', env: childEnv() });
  return [...(ldd.stdout ?? '').matchAll(/(\/\S+\.so[^\s]*)/g)].map((match) => match[1]);
}

function copyIntoRoot(root, file) {
  const target = path.join(root, file);
  mkdirSync(path.dirname(target), { recursive: true });
  if (!existsSync(target)) cpSync(realpathSync(file), target);
}

function buildStandInRoot(root) {
  rmSync(root, { recursive: true, force: true });
  for (const dir of ['bin', 'tmp', 'usr/local/bin', 'usr/lib/python3/dist-packages', 'root', 'etc']) mkdirSync(path.join(root, dir), { recursive: true });
  chmodSync(path.join(root, 'tmp'), 0o1777);
  writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(path.join(root, 'etc', 'group'), 'root:x:0:\n');
  copyFileSync(existsSync('/bin/busybox') ? '/bin/busybox' : which('busybox'), path.join(root, 'bin', 'busybox'));
  for (const applet of ['sh', 'ls', 'cat', 'echo', 'mkdir', 'touch', 'rm', 'cp', 'mv', 'true', 'false', 'test', 'env', 'sleep', 'wc', 'grep', 'sed', 'tee', 'head', 'tail', 'chmod', 'id', 'uname', 'which']) {
    symlinkSync('busybox', path.join(root, 'bin', applet));
  }
  // Debian's python3.11 (every Debian 12 machine has it) and pip's wheel from python3-pip-whl.
  const python = '/usr/bin/python3.11';
  if (!existsSync(python) || !existsSync('/usr/lib/python3.11/os.py')) aptInstall(['python3.11']);
  if (!existsSync('/usr/share/python-wheels') || !readdirSync('/usr/share/python-wheels').some((f) => f.startsWith('pip-'))) aptInstall(['python3-pip-whl']);
  copyIntoRoot(root, python);
  symlinkSync('python3.11', path.join(root, 'usr', 'bin', 'python3'));
  symlinkSync('python3.11', path.join(root, 'usr', 'bin', 'python'));
  // The standard library, without tests, IDLE/Tk, caches, and Debian's EXTERNALLY-MANAGED marker
  // (an image's Python is the image's to manage).
  const skip = new Set(['test', 'idlelib', 'tkinter', 'turtledemo', '__pycache__', 'EXTERNALLY-MANAGED', 'ensurepip', 'lib2to3', 'pydoc_data']);
  cpSync('/usr/lib/python3.11', path.join(root, 'usr', 'lib', 'python3.11'), { recursive: true, dereference: true, filter: (source) => !skip.has(path.basename(source)) });
  const libraries = new Set(sharedLibraries(python));
  const dynload = '/usr/lib/python3.11/lib-dynload';
  for (const module of readdirSync(dynload)) for (const library of sharedLibraries(path.join(dynload, module))) libraries.add(library);
  for (const library of libraries) copyIntoRoot(root, library);
  const pipWheel = readdirSync('/usr/share/python-wheels').find((f) => f.startsWith('pip-'));
  const unzip = spawnSync(python, ['-m', 'zipfile', '-e', path.join('/usr/share/python-wheels', pipWheel), path.join(root, 'usr', 'lib', 'python3', 'dist-packages')], { env: childEnv() });
  if (unzip.status !== 0) throw new StackError(`could not unpack ${pipWheel} into the stand-in image`);
  for (const name of ['pip', 'pip3', 'pip3.11']) writeFileSync(path.join(root, 'usr', 'local', 'bin', name), '#!/bin/sh\nexec /usr/bin/python3.11 -m pip "$@"\n', { mode: 0o755 });
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** What test/stack/remoteEngines.mjs borrows from here. */
const remoteTools = { get STATE() { return STATE; }, ensureCommands, freePort, startDetached, waitUntil, alive, probe, log, StackError, timed };

/** The environment the tests and the extension read to find the stack. */
export function stackEnvironment(state = readState()) {
  return {
    ECR_WB_ECR_ENDPOINT: state.front?.url,
    ECR_WB_MOTO: state.moto?.url,
    ECR_WB_REGISTRY: state.registry?.host,
    DOCKER_HOST: state.docker?.host,
    ...remoteEnginesEnvironment(state['remote-engines']),
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
    if (parts.includes('moto') && (await startFront(state))) started.push('front');
    if (parts.includes('docker')) {
      if (await startDocker(state)) started.push('docker');
      await ensureStandInImages(state.docker.host);
    }
    // Only when asked (the remote-engine tests): a TLS engine on a loopback port and an sshd before it.
    if (parts.includes('remote-engines') && (await startRemoteEngines(state, remoteTools))) started.push('remote-engines');
  } finally {
    writeState(state);
  }
  return { env: stackEnvironment(state), started };
}

export async function down(parts = ['front', 'moto', 'registry', 'docker', 'remote-engines']) {
  const state = readState();
  // The front is moto's: stopping moto stops it too.
  if (parts.includes('moto') && !parts.includes('front')) parts = ['front', ...parts];
  if (parts.includes('remote-engines')) await stopRemoteEngines(state, remoteTools);
  for (const part of parts) {
    if (part === 'remote-engines') continue;
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
  // The registry's notifications name the front's port: keep it while either of them runs.
  if (!state.registry && !state.front) delete state.frontPort;
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
    console.error('usage: node test/stack/stack.mjs up|down|env [moto registry docker remote-engines] (moto brings the ECR front with it; remote-engines only when named)');
    process.exit(2);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof StackError ? `[stack] ${error.message}` : error);
    process.exit(1);
  });
}
