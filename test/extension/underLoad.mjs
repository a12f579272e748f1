#!/usr/bin/env node
// Proves the extension-host suite waits for conditions, not for luck: runs it N times in a row
// (default 5) while CPU hogs keep every core busy, and prints each run's summary.
//   node test/extension/underLoad.mjs [runs]
// Uses the stack like `npm test` (starts what is missing, stops what it started); each run starts
// from a reset, freshly seeded ECR, as `npm test` does.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ensureNpmDependencies } from '../stack/dependencies.mjs';
import { childEnv } from '../stack/childEnv.mjs';

const runs = Number(process.argv[2] ?? 5);
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

ensureNpmDependencies();
if (spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit', env: childEnv() }).status !== 0) throw new Error('esbuild failed');
const { up, down } = await import('../stack/stack.mjs');
const { resetAndSeed } = await import('../stack/seed.mjs');
const { runExtensionSuite } = await import('./server.mjs');

const stack = await up();
// One busy loop per core; each ends by itself after two hours should this script die first.
const hogs = os.cpus().map(() => spawn(process.execPath, ['-e', 'const end = Date.now() + 2 * 3600e3; while (Date.now() < end) {}'], { stdio: 'ignore' }));
console.log(`${hogs.length} CPU hogs running (one per core); ${runs} runs of the extension-host suite`);
const summaries = [];
try {
  for (let run = 1; run <= runs; run++) {
    const started = Date.now();
    await resetAndSeed(stack.env);
    const { code, passed, failed } = await runExtensionSuite({ stackEnv: stack.env });
    summaries.push(`run ${run}/${runs}: extension-host: ${passed} passed, ${failed} failed (workbench exit ${code}, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    console.log(summaries.at(-1));
  }
} finally {
  for (const hog of hogs) hog.kill('SIGKILL');
  await down(stack.started);
}
console.log(`\n${summaries.join('\n')}`);
process.exit(summaries.every((line) => / 0 failed \(workbench exit 0/.test(line)) ? 0 : 1);
