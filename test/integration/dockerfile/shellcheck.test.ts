/**
 * The real shellcheck binary (Debian's package, installed by `npm test` before this suite) over RUN
 * scripts: findings mapped back to exact Dockerfile ranges, pragmas honoured, cancellation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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

  it('is cancelled by its signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(runShellcheck(parseDockerfile(lines('FROM debian:12', 'RUN echo $X')), 'shellcheck', { signal: controller.signal }), { name: 'AbortError' });
  });
});
