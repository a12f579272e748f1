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

/**
 * The user settings and environment the suite runs with: written under test-output/ so that both
 * `npm run test:desktop` and VS Code's own F5 ("Extension Tests" in .vscode/launch.json, whose
 * envFile is desktop.env) use the same ones.
 */
export function prepareDesktopRun() {
  const { settings, env } = extensionConfiguration(stackEnvironment());
  const userData = path.join(OUTPUT, 'desktop-user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const workspace = path.join(OUTPUT, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(OUTPUT, 'desktop.env'), Object.entries(env).map(([key, value]) => `${key}=${value}`).join('\n') + '\n');
  return { env, userData, workspace };
}

export async function runDesktopSuite() {
  const executable = desktopExecutable();
  if (!executable) throw new StackError('desktop VS Code not found: install it (`code` on PATH) or set VSCODE_EXECUTABLE; `npm test` uses the VS Code server instead');
  const { env, userData, workspace } = prepareDesktopRun();
  return runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(REPO, 'dist', 'test', 'extension', 'index.js'),
    launchArgs: [workspace, '--user-data-dir', userData, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: env,
  });
}

// `node test/extension/desktop.mjs prepare`: the files only (the preLaunchTask of "Extension Tests").
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(REPO, 'test/extension/desktop.mjs') && process.argv[2] === 'prepare') {
  const { userData } = prepareDesktopRun();
  console.log(`settings in ${userData}, environment in ${path.join(OUTPUT, 'desktop.env')}`);
}
