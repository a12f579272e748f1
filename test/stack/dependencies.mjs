// npm dependencies for the repository's own scripts. Builtins only: this runs before node_modules
// exists on a fresh clone, so every module that needs a package is imported after it.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from './childEnv.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `npm ci` when node_modules is missing or older than the lock file (a fresh clone, a pulled change). */
export function ensureNpmDependencies(say = (message) => console.log(message)) {
  const installed = path.join(REPO, 'node_modules', '.package-lock.json');
  const lock = path.join(REPO, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing npm dependencies (npm ci)');
  const started = Date.now();
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: REPO, stdio: 'inherit', env: childEnv() });
  say(`npm ci: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) throw new Error('npm ci failed: check that the npm registry is reachable');
}
