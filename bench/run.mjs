// npm run bench: every benchmark under bench/, each printing its own figures.
// Benchmarks that need the stack get it started (and stopped) here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO, up, down } from '../test/stack/stack.mjs';

const only = process.argv[2];
const run = (script, env = {}) => {
  if (only && !script.includes(only)) return;
  if (!existsSync(path.join(REPO, script))) return;
  console.log(`\n=== ${script}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: REPO, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exitCode = 1;
};

run('bench/activation.mjs');
run('bench/lint.mjs');
const stack = await up();
try {
  run('bench/explorer.mjs', stack.env);
  run('bench/build-push.mjs', stack.env);
} finally {
  if (stack.started.length > 0) await down(stack.started);
}
