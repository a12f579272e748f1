import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { effectiveSeverity, normalizeRuleSeverities } from '../../../src/core/dockerfile/lint';
import { findHadolintConfig, loadHadolintConfig, parseHadolintConfig } from '../../../src/core/dockerfile/hadolintConfig';
import { applyFix, findings, lines, lint, none, only } from './helpers';

const UNPINNED = lines('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*');

describe('ignore pragmas', () => {
  it('# hadolint ignore= on the line before silences those rules for that instruction only', () => {
    const source = lines('FROM debian:12', '# hadolint ignore=DL3008,DL3003', 'RUN apt-get install -y --no-install-recommends curl && cd /x', 'RUN apt-get install -y --no-install-recommends git');
    assert.deepEqual(findings(source, 'DL3008').map((d) => d.range.start.line), [3]);
    none(source, 'DL3003');
  });

  it('# ecr-lint ignore= works for our rules, also with other comments in between', () => {
    const source = lines('FROM aqueducthq/function310:0.3.6', '# ecr-lint ignore=AQ001', '# the platform team wants this', 'CMD ["x"]');
    none(source, 'AQ001');
  });

  it('a blank line breaks the link between pragma and instruction', () => {
    const source = lines('FROM aqueducthq/function310:0.3.6', '# ecr-lint ignore=AQ001', '', 'CMD ["x"]');
    only(source, 'AQ001');
  });

  it('# hadolint global ignore= applies to the whole file', () => {
    none(lines('# hadolint global ignore=DL3008', UNPINNED), 'DL3008');
  });

  it('the ignore fix adds a pragma, or extends the one above', () => {
    const first = only(UNPINNED, 'DL3008');
    const once = applyFix(UNPINNED, first, 'Ignore');
    assert.equal(once, lines('FROM debian:12', '# hadolint ignore=DL3008', 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*'));
    none(once, 'DL3008');
    const cmd = lines('FROM debian:12', '# hadolint ignore=DL3008', '    CMD python app.py');
    const twice = applyFix(cmd, only(cmd, 'DL3025'), 'Ignore');
    assert.equal(twice, lines('FROM debian:12', '# hadolint ignore=DL3008,DL3025', '    CMD python app.py'));
    const ours = lines('FROM aqueducthq/function310:0.3.6', 'CMD ["x"]');
    assert.equal(applyFix(ours, only(ours, 'AQ001'), 'Ignore'), lines('FROM aqueducthq/function310:0.3.6', '# ecr-lint ignore=AQ001', 'CMD ["x"]'));
  });
});

describe('.hadolint.yaml', () => {
  const yaml = [
    '# team defaults',
    'failure-threshold: warning',
    'ignored:',
    '  - DL3008   # we pin with snapshots',
    '  - "DL3003"',
    'override:',
    '  error:',
    '    - DL3015',
    '  style: [DL3042, AQ006]',
    'trustedRegistries:',
    '  - docker.io',
    '',
  ].join('\n');

  it('parses ignored and override lists, block and inline, and skips other keys', () => {
    const { config, problems } = parseHadolintConfig(yaml);
    assert.deepEqual(config.ignored, ['DL3008', 'DL3003']);
    assert.deepEqual(config.override, { error: ['DL3015'], style: ['DL3042', 'AQ006'] });
    assert.deepEqual(problems, []);
  });

  it('reports what it could not read without giving up on the rest', () => {
    const { config, problems } = parseHadolintConfig('ignored: [DL3008]\noverride:\n  fatal:\n    - DL3002\n');
    assert.deepEqual(config.ignored, ['DL3008']);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /fatal/);
  });

  it('is applied by the linter: ignored rules vanish, overrides change severity', () => {
    const { config } = parseHadolintConfig(yaml);
    const source = lines('FROM debian:12', 'RUN apt-get install -y curl && pip install x==1');
    none(source, 'DL3008', { hadolint: config });
    assert.equal(only(source, 'DL3015', { hadolint: config }).severity, 'error');
    assert.equal(only(source, 'DL3042', { hadolint: config }).severity, 'hint');
  });

  it('is found from the Dockerfile folder upward', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-hadolint-'));
    try {
      const nested = path.join(root, 'services', 'op');
      fs.mkdirSync(nested, { recursive: true });
      assert.equal(findHadolintConfig(nested, root), undefined);
      fs.writeFileSync(path.join(root, '.hadolint.yaml'), yaml);
      assert.equal(findHadolintConfig(nested, root), path.join(root, '.hadolint.yaml'));
      fs.writeFileSync(path.join(root, 'services', '.hadolint.yml'), 'ignored: [DL3006]\n');
      assert.deepEqual(loadHadolintConfig(nested, root)?.config.ignored, ['DL3006']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('per-rule severities (ecr.lint.rules)', () => {
  it('change severity, turn rules off, and win over .hadolint.yaml', () => {
    const { config } = parseHadolintConfig('ignored: [DL3008]\n');
    const source = lines('FROM aqueducthq/function310:0.3.6', 'CMD ["x"]', 'RUN apt-get install -y --no-install-recommends curl');
    assert.equal(only(source, 'AQ001', { ruleSeverities: { AQ001: 'warning' } }).severity, 'warning');
    none(source, 'AQ001', { ruleSeverities: { AQ001: 'off' } });
    assert.equal(only(source, 'DL3008', { hadolint: config, ruleSeverities: { DL3008: 'info' } }).severity, 'info');
    assert.equal(effectiveSeverity('DL3008', { hadolint: config }), 'off');
    assert.equal(effectiveSeverity('DL3008', {}), 'warning');
  });

  it('invalid setting values are explained and skipped, never thrown', () => {
    const { severities, problems } = normalizeRuleSeverities({ dl3008: 'OFF', AQ001: 'warn', XX999: 'error' });
    assert.deepEqual(severities, { DL3008: 'off', XX999: 'error' });
    assert.equal(problems.length, 2);
    assert.match(problems[0], /AQ001.*"warn".*error, warning, info, hint, off/);
    assert.match(problems[1], /XX999.*not a rule/);
    assert.match(normalizeRuleSeverities('nope').problems[0], /should be an object/);
    assert.deepEqual(normalizeRuleSeverities(undefined), { severities: {}, problems: [] });
  });

  it('every diagnostic has a known severity and at least the ignore fix', () => {
    for (const diagnostic of lint(lines('FROM x', 'RUN apt-get install y | z', 'CMD a'))) {
      assert.ok(['error', 'warning', 'info', 'hint'].includes(diagnostic.severity));
      assert.ok(diagnostic.fixes.some((fix) => fix.title.startsWith('Ignore')));
    }
  });
});
