// Installing into the shared cache (~/.cache/ecr-workbench): one setup at a time, a line of progress
// at least every 15 s, and the installer's own last lines when it fails. Builtins only (this runs
// before node_modules exists on a fresh clone).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HEARTBEAT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'heartbeat.mjs');
const log = (message) => process.stderr.write(`[setup] ${message}\n`);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Runs `work` holding the cache's setup lock (a directory: mkdir is atomic), so two setups (two
 * demos, a demo and `npm test`) never install into the same folder at once. A second one says who
 * holds it and waits; a lock left by a process that died is taken over.
 */
export function withSetupLock(cache, what, work) {
  mkdirSync(cache, { recursive: true });
  const lock = path.join(cache, '.setup.lock');
  let told = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'owner'), `${process.pid}\n${what}\n`);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const [pid, holder] = (existsSync(path.join(lock, 'owner')) ? readFileSync(path.join(lock, 'owner'), 'utf8') : '').split('\n');
      if (pid && !alive(Number(pid))) {
        log(`a setup that stopped (pid ${pid}) left ${lock}: taking it over`);
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!told) log(`another setup (pid ${pid || '?'}${holder ? `, ${holder}` : ''}) is installing into ${cache}: waiting for it before ${what}`);
      told = true;
      sleep(1000);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Runs an installer with its output kept in `logFile`, printing a progress line at least every 15 s.
 * Returns { status, tail }: `tail` is the installer's last lines (or why it could not start).
 */
export function runInstaller(label, command, args, { cwd, env, logFile }) {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const result = spawnSync(process.execPath, [HEARTBEAT, label, logFile, command, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const output = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  const tail = output.split('\n').filter((line) => line.trim()).slice(-20).join('\n') || (result.error ? String(result.error.message) : '(it printed nothing)');
  return { status: result.error ? null : result.status, tail };
}
