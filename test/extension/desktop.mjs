// The same extension-host suite in desktop VS Code, through @vscode/test-electron, for machines
// that have it (`code` on PATH, or VSCODE_EXECUTABLE). It cannot download VS Code offline, so it
// says so instead of trying. Stack settings come from the running stack (test/stack/stack.mjs up).
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { runTests } from '@vscode/test-electron';
import { REPO, stackEnvironment, StackError } from '../stack/stack.mjs';
import { extensionConfiguration, OUTPUT } from './server.mjs';

function desktopExecutable() {
  if (process.env.VSCODE_EXECUTABLE) return process.env.VSCODE_EXECUTABLE;
  const code = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
  if (!code) return undefined;
  // `code` is a launcher script; the Electron binary sits two folders up on Linux installs.
  const real = spawnSync('readlink', ['-f', code], { encoding: 'utf8' }).stdout.trim();
  return path.resolve(path.dirname(real), '..', '..', 'code');
}

export async function runDesktopSuite() {
  const executable = desktopExecutable();
  if (!executable) throw new StackError('desktop VS Code not found: install it (`code` on PATH) or set VSCODE_EXECUTABLE; `npm test` uses the VS Code server instead');
  const { settings, env } = extensionConfiguration(stackEnvironment());
  const userData = path.join(OUTPUT, 'desktop-user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const workspace = path.join(OUTPUT, 'workspace');
  mkdirSync(workspace, { recursive: true });
  return runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(REPO, 'dist', 'test', 'extension', 'index.js'),
    launchArgs: [workspace, '--user-data-dir', userData, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: env,
  });
}
