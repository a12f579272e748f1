// The VS Code server (from the npm package code-server, which runs the same node extension host
// as desktop VS Code) on Node 24 from the npm package `node@24`, and Debian's Chromium to view it.
// Installed once into the cache (about 2 minutes of native builds), then reused.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, chmodSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CACHE, StackError, ensureCommands, timed } from './stack.mjs';
import { childEnv } from './childEnv.mjs';
import { runInstaller, withSetupLock } from './install.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
const log = (message) => process.stderr.write(`[vscode-server] ${message}\n`);

function npmInstall(dir, spec, env) {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(dir, 'package.json'))) writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  const logFile = path.join(dir, 'npm-install.log');
  const result = runInstaller(`npm install ${spec}`, 'npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', spec], { cwd: dir, env, logFile });
  if (result.status !== 0) throw new StackError(`npm install ${spec} failed in ${dir}; npm's last lines (all in ${logFile}):\n${result.tail}`);
}

/** Node 24's bin folder (the npm package `node` ships the official binary). */
export function ensureNode24() {
  const dir = path.join(CACHE, 'node24');
  const bin = path.join(dir, 'node_modules', 'node', 'bin');
  if (existsSync(path.join(bin, 'node'))) return bin;
  return withSetupLock(CACHE, 'installing Node 24', () => (existsSync(path.join(bin, 'node')) ? bin : installNode24(dir, bin)));
}

function installNode24(dir, bin) {
  log('installing Node 24 from npm (once)');
  rmSync(dir, { recursive: true, force: true });
  timed('npm install node@24', () => npmInstall(dir, 'node@24', childEnv()));
  if (!existsSync(path.join(bin, 'node'))) {
    // Older npm runs the package's install script instead of shipping the binary: run it.
    spawnSync('npm', ['rebuild', 'node', '--foreground-scripts'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: childEnv() });
    if (!existsSync(path.join(bin, 'node'))) throw new StackError('could not install Node 24 from the npm package node@24');
  }
  return bin;
}

/** The code-server package with its native modules rebuilt for Node 24. Returns server-main.js. */
export function ensureCodeServer() {
  const dir = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
  const root = path.join(dir, 'node_modules', 'code-server');
  const serverMain = path.join(root, 'lib', 'vscode', 'out', 'server-main.js');
  const ready = path.join(dir, '.ready');
  if (existsSync(ready)) return serverMain;
  const node24 = ensureNode24();
  return withSetupLock(CACHE, `installing code-server ${CODE_SERVER_VERSION}`, () => (existsSync(ready) ? serverMain : installCodeServer(dir, serverMain, ready, node24)));
}

function installCodeServer(dir, serverMain, ready, node24) {
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/krb5/krb5.h')) ensureCommands(['libkrb5-dev']);
  // Node 24 first on PATH, and no npm_config_* from an outer `npm test`: code-server's install
  // script reads the Node version from npm_config_user_agent and refuses anything but 24.
  const env = childEnv({}, { pathFirst: node24 });
  log(`installing code-server ${CODE_SERVER_VERSION} and rebuilding its native modules on Node 24 (once, ~4 min on 2 cores)`);
  timed(`npm install code-server@${CODE_SERVER_VERSION}`, () => npmInstall(dir, `code-server@${CODE_SERVER_VERSION}`, env));
  const crossEnvBin = path.join(dir, 'node_modules', 'cross-env', 'dist', 'bin');
  if (existsSync(crossEnvBin)) for (const file of readdirSync(crossEnvBin)) if (file.endsWith('.js')) chmodSync(path.join(crossEnvBin, file), 0o755);
  // The native builds print thousands of compiler lines: kept in a log, shown only on failure.
  // A line of progress every 15 s (the rebuild takes minutes).
  const logFile = path.join(dir, 'rebuild.log');
  const rebuild = timed('npm rebuild argon2 code-server (native modules, Node 24)', () =>
    runInstaller('npm rebuild argon2 code-server (native modules, Node 24)', 'npm', ['rebuild', 'argon2', 'code-server', '--foreground-scripts'], { cwd: dir, env, logFile }),
  );
  if (rebuild.status !== 0 || !existsSync(serverMain)) {
    throw new StackError(`rebuilding code-server for Node 24 failed; last lines of ${logFile}:\n${rebuild.tail}`);
  }
  writeFileSync(ready, new Date().toISOString());
  return serverMain;
}

export function ensureChromium() {
  if (!existsSync('/usr/bin/chromium')) ensureCommands(['chromium']);
  return '/usr/bin/chromium';
}

/** Installs a .vsix into an extensions folder through the server's own CLI. */
export function installExtension(vsix, extensionsDir) {
  const node24 = ensureNode24();
  const result = spawnSync(path.join(node24, 'node'), [ensureCodeServer(), '--install-extension', vsix, '--force', '--extensions-dir', extensionsDir], { encoding: 'utf8', env: childEnv({}, { pathFirst: node24 }) });
  if (result.status !== 0) throw new StackError(`installing ${vsix} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/**
 * Starts the VS Code server on 127.0.0.1:port. `dirs.root` holds user data (with `settings`
 * written to User/settings.json first), extensions and logs. Resolves once the UI is served.
 * `smokeTestDriver: false` starts it as a user would: installed extensions only, notifications shown.
 */
export async function startVSCodeServer({ port, root, settings = {}, env = {}, extensionsDir, smokeTestDriver = true }) {
  const serverMain = ensureCodeServer();
  const node24 = ensureNode24();
  const userData = path.join(root, 'user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'extensions.ignoreRecommendations': true, 'update.mode': 'none', 'telemetry.telemetryLevel': 'off', 'workbench.enableExperiments': false, 'chat.disableAIFeatures': true, 'window.commandCenter': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'terminal.integrated.gpuAcceleration': 'off', ...settings }, null, 2),
  );
  // In a remote window, machine-scoped settings (ecr.endpoint, ecr.docker.host, …) come from the
  // remote machine's settings, not the browser's user settings: write them there too, as a user
  // of Remote-SSH or code-server would.
  // (The server keeps them under its user data folder, <user-data-dir>/Machine.)
  const machine = path.join(userData, 'Machine');
  mkdirSync(machine, { recursive: true });
  // ecr.registries is left where versions before 0.2 kept it (the user's settings): the extension
  // moves it to this machine's settings on first start, as it does for a user upgrading (issue 22).
  const { 'ecr.registries': registries, ...machineSettings } = settings;
  writeFileSync(path.join(machine, 'settings.json'), JSON.stringify(machineSettings, null, 2));
  const extensions = extensionsDir ?? path.join(root, 'extensions');
  mkdirSync(extensions, { recursive: true });
  const args = [
    serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms',
    // The smoke-test driver lets a page hand VS Code development payloads (the extension under test and
    // its suite), and makes the workbench hide notification toasts. A user's server (the demo) runs without it.
    ...(smokeTestDriver ? ['--enable-smoke-test-driver'] : []),
    '--disable-workspace-trust', '--disable-telemetry',
    '--server-data-dir', path.join(root, 'server-data'), '--user-data-dir', userData, '--extensions-dir', extensions, '--logsPath', path.join(root, 'logs'),
  ];
  const child = spawn(path.join(node24, 'node'), args, { env: childEnv(env, { pathFirst: node24 }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new StackError(`the VS Code server did not start within 60 s:\n${output.slice(-2000)}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('Web UI available at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new StackError(`the VS Code server exited (code ${code}) before serving:\n${output.slice(-2000)}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, logs: () => output };
}

/** Launch options for Debian's Chromium in this offline, rootful environment. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
];
