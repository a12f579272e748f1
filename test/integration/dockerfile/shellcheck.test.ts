/**
 * The real shellcheck binary (Debian's package, installed by `npm test` before this suite) over RUN
 * scripts: findings mapped back to exact Dockerfile ranges, pragmas honoured, cancellation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDockerfile } from '../../../src/core/dockerfile/parse';
import { runShellcheck } from '../../../src/core/dockerfile/shellcheck';
import { covered, lines } from '../../unit/dockerfile/helpers';

const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
if (!hasShellcheck && process.env.CI === 'true') throw new Error('CI=true and shellcheck is not installed (npm test installs Debian\'s shellcheck package)');

describe('runShellcheck with the real shellcheck', { skip: !hasShellcheck && 'shellcheck is not installed; run through `npm test`, which installs it' }, () => {
  it('reports SC2086 on the exact variable, honours hadolint pragmas and .hadolint.yaml', async () => {
    const text = lines('FROM debian:12', 'RUN cp -r /opt/$APP /srv', '# hadolint ignore=SC2086', 'RUN cp -r /opt/$APP /srv', 'RUN echo `date`');
    const model = parseDockerfile(text);
    const found = await runShellcheck(model, 'shellcheck');
    const sc2086 = found.filter((diagnostic) => diagnostic.ruleId === 'SC2086');
    assert.deepEqual(sc2086.map((diagnostic) => [diagnostic.range.start.line, covered(text, diagnostic.range), diagnostic.severity]), [[1, '$APP', 'info']]);
    assert.ok(sc2086[0].fixes.some((fix) => fix.title === 'Ignore SC2086 for this instruction'));
    assert.ok(found.some((diagnostic) => diagnostic.ruleId === 'SC2006' && diagnostic.severity === 'hint'));
    const ignored = await runShellcheck(model, 'shellcheck', { hadolint: { ignored: ['SC2006'], override: { error: ['SC2086'] } } });
    assert.ok(!ignored.some((diagnostic) => diagnostic.ruleId === 'SC2006'));
    assert.deepEqual(ignored.filter((diagnostic) => diagnostic.ruleId === 'SC2086').map((diagnostic) => diagnostic.severity), ['error']);
  });

  it('sees neither the flags of ONBUILD RUN as a command (SC2215) nor sourced files it cannot follow (SC1091); a parent stage\'s ENV is known', async () => {
    const text = lines('FROM debian:12 AS base', 'ENV APP_HOME=/app', 'ONBUILD RUN --mount=type=cache,target=/root/.cache/pip pip install -r r.txt', 'RUN . /etc/os-release && echo "$ID"', 'FROM base', 'RUN echo "$APP_HOME"');
    const found = await runShellcheck(parseDockerfile(text), 'shellcheck');
    assert.deepEqual(found.map((diagnostic) => `${diagnostic.ruleId} ${covered(text, diagnostic.range)}`), []);
  });

  it('a run past its time bound is killed and says so in one line', async () => {
    const model = parseDockerfile(lines('FROM debian:12', ...Array.from({ length: 200 }, (_, i) => `RUN echo ${i} $X`)));
    await assert.rejects(runShellcheck(model, 'shellcheck', { limits: { timeoutMs: 1 } }), /^ShellcheckSkipped|ShellCheck stopped: it took more than 0 s over 200 RUN scripts\.$/);
  });

  it('after an edit, only the RUN that changed is written and checked again', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'ecr-shellcheck-args-'));
    try {
      // The real shellcheck, behind a script that notes how many scripts each run was given.
      const log = path.join(folder, 'runs.log');
      const wrapper = path.join(folder, 'shellcheck');
      writeFileSync(wrapper, `#!/bin/sh\necho "$(($# - 2))" >> "${log}"\nexec shellcheck "$@"\n`, { mode: 0o755 });
      const runs = Array.from({ length: 30 }, (_, i) => `RUN cp /src/$FILE_${i} /dst`);
      const before = await runShellcheck(parseDockerfile(lines('FROM debian:12', ...runs)), wrapper);
      const edited = [...runs];
      edited[7] = 'RUN cp /src/$EDITED /dst';
      const after = await runShellcheck(parseDockerfile(lines('FROM debian:12', ...edited)), wrapper);
      assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n').map(Number), [30, 1]);
      assert.equal(before.filter((diagnostic) => diagnostic.ruleId === 'SC2086').length, 30);
      assert.deepEqual(after.filter((diagnostic) => diagnostic.ruleId === 'SC2086').map((diagnostic) => diagnostic.range.start.line), Array.from({ length: 30 }, (_, i) => i + 1));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('is cancelled by its signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(runShellcheck(parseDockerfile(lines('FROM debian:12', 'RUN echo $X')), 'shellcheck', { signal: controller.signal }), { name: 'AbortError' });
  });
});
