// The stack's installers into the shared cache: one setup at a time, progress while they run, and
// the installer's own words when they fail (issue 22: two demos at once failed "after 0.0 s").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const INSTALL = path.resolve(__dirname, '../../../test/stack/install.mjs');

/** Runs a snippet that imports install.mjs in its own Node process; resolves with its stderr and exit code. */
function runScript(code: string, env: Record<string, string> = {}): Promise<{ stderr: string; status: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', `import { runInstaller, withSetupLock } from ${JSON.stringify(INSTALL)};\n${code}`], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (status) => resolve({ stderr, status }));
  });
}

describe('stack setup: installing into the shared cache', () => {
  it("a failed install reports the installer's own last lines", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-install-'));
    try {
      const { stderr } = await runScript(`
        const result = runInstaller('pip install demo', 'sh', ['-c', 'echo Collecting moto; echo "ERROR: No matching distribution found for moto" >&2; exit 3'], { logFile: ${JSON.stringify(path.join(dir, 'log'))} });
        process.stderr.write(JSON.stringify(result));`);
      const result = JSON.parse(stderr.slice(stderr.indexOf('{')));
      assert.equal(result.status, 3);
      assert.match(result.tail, /Collecting moto\nERROR: No matching distribution found for moto/);
      const missing = JSON.parse((await runScript(`process.stderr.write(JSON.stringify(runInstaller('x', '/nonexistent/pip', [], { logFile: ${JSON.stringify(path.join(dir, 'log2'))} })));`)).stderr);
      assert.notEqual(missing.status, 0);
      assert.match(missing.tail, /could not start \/nonexistent\/pip: .*ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a long install prints a progress line with its last output while it runs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-install-'));
    try {
      const { stderr, status } = await runScript(
        `const result = runInstaller('npm rebuild demo', 'sh', ['-c', 'echo compiling argon2; sleep 1'], { logFile: ${JSON.stringify(path.join(dir, 'log'))} }); process.exit(result.status);`,
        { ECR_WB_HEARTBEAT_MS: '200' },
      );
      assert.equal(status, 0);
      assert.match(stderr, /\[setup\] npm rebuild demo: still running \(\d+ s\) · compiling argon2/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a second setup says another is running and waits for it; a lock left by a dead process is taken over', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-cache-'));
    const order = path.join(cache, 'order');
    try {
      const work = (name: string, ms: number) =>
        runScript(`import { appendFileSync } from 'node:fs';
          withSetupLock(${JSON.stringify(cache)}, 'installing ${name}', () => {
            appendFileSync(${JSON.stringify(order)}, '${name} start\\n');
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
            appendFileSync(${JSON.stringify(order)}, '${name} end\\n');
          });`);
      const first = work('first', 1500);
      // The second starts once the first holds the lock.
      for (let tries = 0; tries < 100 && !readFileSync(order, { flag: 'a+' }).toString().includes('first start'); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
      const second = await work('second', 10);
      await first;
      assert.equal(readFileSync(order, 'utf8'), 'first start\nfirst end\nsecond start\nsecond end\n');
      assert.match(second.stderr, /another setup \(pid \d+, installing first\) is installing into .*: waiting for it before installing second/);

      const { mkdirSync, writeFileSync } = await import('node:fs');
      mkdirSync(path.join(cache, '.setup.lock'));
      writeFileSync(path.join(cache, '.setup.lock', 'owner'), '999999\ninstalling moto\n');
      const taken = await work('third', 10);
      assert.match(taken.stderr, /a setup that stopped \(pid 999999\) left .*: taking it over/);
      assert.match(readFileSync(order, 'utf8'), /third end\n$/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
