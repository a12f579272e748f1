import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { effectiveSeverity, normalizeRuleSeverities, ruleDocumentationUrl } from '../../../src/core/dockerfile/lint';
import { findHadolintConfig, loadHadolintConfig, parseHadolintConfig } from '../../../src/core/dockerfile/hadolintConfig';
import { APT_RULES } from '../../../src/core/dockerfile/rules/aptRules';
import { PACKAGE_RULES } from '../../../src/core/dockerfile/rules/packageRules';
import { SHELL_RULES } from '../../../src/core/dockerfile/rules/shellRules';
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

describe('.hadolint.yaml as hadolint reads it', () => {
  const config = parseHadolintConfig(
    [
      'failure-threshold: warning',
      'trustedRegistries:',
      '  - docker.io',
      '  - "*.dkr.ecr.us-east-1.amazonaws.com"',
      'label-schema:',
      '  author: text',
      '  org.opencontainers.image.source: url',
      '  build-date: rfc3339',
      '  version: semver',
      'strict-labels: true',
      '',
    ].join('\n'),
  );

  it('reads trustedRegistries, label-schema, strict-labels and failure-threshold', () => {
    assert.deepEqual(config.problems, []);
    assert.deepEqual(config.config.trustedRegistries, ['docker.io', '*.dkr.ecr.us-east-1.amazonaws.com']);
    assert.deepEqual(config.config.labelSchema, { author: 'text', 'org.opencontainers.image.source': 'url', 'build-date': 'rfc3339', version: 'semver' });
    assert.equal(config.config.strictLabels, true);
    assert.equal(config.config.failureThreshold, 'warning');
    assert.match(parseHadolintConfig('label-schema:\n  a: colour\n').problems[0], /label-schema kind "colour"/);
  });

  it('DL3026: FROM only from a trusted registry (Docker Hub is docker.io)', () => {
    const options = { hadolint: config.config };
    const text = lines('FROM ghcr.io/team/base:1 AS a', 'FROM 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1 AS b', 'FROM debian:12 AS c', 'FROM a');
    const found = findings(text, 'DL3026', options);
    assert.deepEqual(found.map((d) => d.range.start.line), [0]);
    assert.equal(found[0].severity, 'error');
    none(text, 'DL3026');
  });

  it('DL3049-DL3058: labels checked against the schema, DL3050 with strict-labels', () => {
    const options = { hadolint: config.config };
    const text = lines('FROM debian:12', 'LABEL org.opencontainers.image.source="not a url" build-date=2024-01-02T03:04:05Z version=1.2 extra=x author=""');
    const ids = lint(text, options).map((d) => d.ruleId).filter((id) => /^DL30[45]\d$/.test(id)).sort();
    assert.deepEqual(ids, ['DL3050', 'DL3051', 'DL3052', 'DL3056']);
    const complete = lines('FROM debian:12', 'LABEL org.opencontainers.image.source=https://x/y build-date=2024-01-02T03:04:05Z version=1.2.3 author=me');
    assert.deepEqual(lint(complete, options).filter((d) => /^DL30[45]\d$/.test(d.ruleId)), []);
    assert.deepEqual(findings(lines('FROM debian:12'), 'DL3049', options).length, 4);
  });

  it('SC codes are accepted in ecr.lint.rules', () => {
    assert.deepEqual(normalizeRuleSeverities({ SC2086: 'off' }), { severities: { SC2086: 'off' }, problems: [] });
  });
});

// Where we deliberately differ from hadolint 2.15 (the README's rule table says why).
describe('deliberate differences from hadolint', () => {
  const FROM = 'FROM debian:12';
  // A hadolint code reports exactly what hadolint reports (CI runs hadolint): where hadolint misses
  // the rule's meaning, ours reports under its own code (EW3009, EW3040), naming hadolint's rule;
  // where hadolint reports a RUN that meets it, the finding stays under hadolint's code and says why.
  it('DL3009: a RUN that deletes the lists (apt-get dist-clean, rm -r …/lists) still gets DL3009 as in hadolint, saying why, with ignoring it as the preferred fix', () => {
    const distClean = lines(FROM, 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7 && apt-get dist-clean');
    const reported = only(distClean, 'DL3009');
    assert.equal(reported.onlyForHadolint, true);
    assert.match(reported.message, /^hadolint reports this RUN though `apt-get dist-clean` deletes the apt lists: .*Write `rm -rf \/var\/lib\/apt\/lists\/\*` instead, or ignore DL3009 here\.$/);
    assert.equal(reported.fixes[0].title, 'Ignore DL3009 for this instruction');
    assert.equal(reported.fixes[0].preferred, true);
    assert.ok(reported.fixes.slice(1).every((fix) => !fix.preferred));
    const ignored = applyFix(distClean, reported);
    assert.equal(ignored.split('\n')[1], '# hadolint ignore=DL3009');
    assert.deepEqual(lint(ignored).filter((d) => /3009$/.test(d.ruleId)), []);
    assert.equal(only(lines(FROM, 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7 && rm -r /var/lib/apt/lists'), 'DL3009').onlyForHadolint, true);
    // rm -rf of the lists by any spelling satisfies both.
    none(lines(FROM, 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7 && rm -rf /var/lib/{apt,dpkg}/'), 'DL3009');
    none(lines(FROM, 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7 && rm -rf /var/lib/{apt,dpkg}/'), 'EW3009');
    // Where both miss the cleanup, DL3009 is the plain finding.
    assert.equal(only(lines(FROM, 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7'), 'DL3009').onlyForHadolint, undefined);
  });

  it('EW3009: rm -rf of something else is no apt-list cleanup (hadolint takes it for one): ours reports it under EW3009, naming DL3009', () => {
    const source = lines(FROM, 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7 && rm -rf /tmp/*');
    none(source, 'DL3009');
    const reported = only(source, 'EW3009');
    assert.equal(reported.severity, 'info');
    assert.match(reported.message, /`rm -rf \/tmp\/\*` deletes something else, though hadolint's DL3009 takes it as the cleanup/);
    assert.match(applyFix(source, reported, 'Remove the apt lists'), /&& rm -rf \/var\/lib\/apt\/lists\/\*\n$/);
    // Named by its path, apt-get is not apt-get to hadolint.
    assert.match(only(lines(FROM, 'RUN /usr/bin/apt-get update && /usr/bin/apt-get install -y --no-install-recommends curl=7'), 'EW3009').message, /does not recognise `\/usr\/bin\/apt-get`/);
  });

  it('EW codes follow the hadolint rule they sharpen: its severity setting, .hadolint.yaml and ignore pragmas, unless set themselves', () => {
    const source = lines(FROM, 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7 && rm -rf /tmp/*');
    none(source, 'EW3009', { ruleSeverities: { DL3009: 'off' } });
    none(lines(FROM, '# hadolint ignore=DL3009', 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7 && rm -rf /tmp/*'), 'EW3009');
    none(source, 'EW3009', { hadolint: parseHadolintConfig('ignored: [DL3009]\n').config });
    assert.equal(only(source, 'EW3009', { ruleSeverities: { DL3009: 'warning' } }).severity, 'warning');
    assert.equal(only(source, 'EW3009', { ruleSeverities: { DL3009: 'off', EW3009: 'error' } }).severity, 'error');
    assert.deepEqual(normalizeRuleSeverities({ EW3040: 'off' }), { severities: { EW3040: 'off' }, problems: [] });
    none(lines(FROM, '# ecr-lint ignore=EW3009', 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7 && rm -rf /tmp/*'), 'EW3009');
    // Its link is the hadolint rule's page; its own ignore fix writes ours (hadolint does not know EW codes).
    assert.equal(ruleDocumentationUrl('EW3009'), 'https://github.com/hadolint/hadolint/wiki/DL3009');
    assert.match(applyFix(source, only(source, 'EW3009'), 'Ignore EW3009'), /^# ecr-lint ignore=EW3009$/m);
  });

  it('DL3014: a single -q does not answer yes (apt-get needs -qq for that)', () => {
    only(lines(FROM, 'RUN apt-get -q install --no-install-recommends curl=7'), 'DL3014');
    none(lines(FROM, 'RUN apt-get -q -q install --no-install-recommends curl=7 && apt-get --quiet --quiet install --no-install-recommends git=1'), 'DL3014');
  });

  it('DL4006: set -o pipefail in the same RUN is enough', () => {
    none(lines(FROM, 'RUN set -euxo pipefail; curl -fsSL https://x | tar -xz'), 'DL4006');
  });

  it('DL3042: PIP_NO_CACHE_DIR counts only for the pip command it is set on (or exported before it)', () => {
    only(lines(FROM, 'RUN PIP_NO_CACHE_DIR=1 echo hi && pip install x==1'), 'DL3042');
    none(lines(FROM, 'RUN --mount=type=cache,target=/root/.cache/pip pip install x==1'), 'DL3042');
  });

  it('commands are recognised by name whatever their folder (/usr/bin/apt-get)', () => {
    only(lines(FROM, 'RUN /usr/bin/apt-get install -y --no-install-recommends curl'), 'DL3008');
  });

  it('DL3013: a VCS URL is pinned by @<ref> after its path, not by user@host', () => {
    only(lines(FROM, 'RUN pip install --no-cache-dir git+ssh://git@github.com/org/pkg.git'), 'DL3013');
    none(lines(FROM, 'RUN pip install --no-cache-dir git+ssh://git@github.com/org/pkg.git@v1.2'), 'DL3013');
  });

  it('ONBUILD RUN is linted by every shell rule', () => {
    // Every rule of the shell rule tables (apt, other package managers, commands) is checked here:
    // a new rule fails this test until it has a RUN that triggers it.
    const notOfOneRun: Record<string, string> = {
      DL3059: 'two consecutive RUNs, not one',
      // An ONBUILD RUN runs with the SHELL of the image built FROM this one, unknown here (hadolint skips it too).
      DL4006: 'pipefail depends on the SHELL of the image that runs the trigger',
    };
    const sample: Record<string, string> = {
      DL3008: 'apt-get install -y --no-install-recommends curl',
      DL3009: 'apt-get update && apt-get install -y --no-install-recommends curl=7',
      EW3009: 'apt-get update && apt-get install -y --no-install-recommends curl=7 && rm -rf /tmp/*',
      DL3014: 'apt-get install --no-install-recommends curl=7',
      DL3015: 'apt-get install -y curl=7',
      DL3027: 'apt install -y curl=7',
      DL3013: 'pip install --no-cache-dir flask',
      DL3042: 'pip install flask==3.0',
      DL3016: 'npm install express',
      DL3018: 'apk add --no-cache curl',
      DL3019: 'apk add curl=8.0',
      DL3028: 'gem install rails',
      DL3060: 'yarn install',
      DL3062: 'go install example.com/tool',
      DL3030: 'yum install httpd-2.4 && yum clean all',
      DL3032: 'yum install -y httpd-2.4',
      DL3033: 'yum install -y httpd && yum clean all',
      DL3034: 'zypper install curl=8 && zypper clean',
      DL3035: 'zypper -n dist-upgrade',
      DL3036: 'zypper install -n curl=8',
      DL3037: 'zypper install -n curl && zypper clean',
      DL3038: 'dnf install httpd-2.4 && dnf clean all',
      DL3040: 'dnf install -y httpd-2.4',
      EW3040: 'dnf install -y httpd-2.4 && rm -rf /tmp/x',
      DL3041: 'dnf install -y httpd && dnf clean all',
      DL3001: 'ssh example.com',
      DL3003: 'cd /tmp',
      DL3004: 'sudo make',
      DL3046: 'useradd -u 123456789 app',
      DL3047: 'wget https://example.com/x',
      DL4001: 'wget --progress=dot:giga https://example.com/a && curl -fsS https://example.com/b',
      DL4005: 'ln -sf /bin/bash /bin/sh',
      DL4006: 'curl -fsSL https://example.com/x | tar -xz',
    };
    const table = [...APT_RULES, ...PACKAGE_RULES, ...SHELL_RULES].map((rule) => rule.id).filter((id) => !(id in notOfOneRun));
    assert.deepEqual(table.filter((id) => !(id in sample)), [], 'shell rules without a sample RUN here');
    for (const id of table) {
      // The sample triggers the rule in a RUN (so the ONBUILD check below can fail), and in an ONBUILD RUN alike.
      assert.equal(findings(lines(FROM, `RUN ${sample[id]}`), id).length, 1, `${id} on RUN ${sample[id]}`);
      assert.equal(findings(lines(FROM, `ONBUILD RUN ${sample[id]}`), id).length, 1, `${id} on ONBUILD RUN ${sample[id]}`);
    }
  });

  it('DL3040 as hadolint reports it: an rm -rf before the install reports even with a clean after it (saying why); none when hadolint sees its cleanup after', () => {
    const early = lines(FROM, 'RUN rm -rf /tmp/gnupg && dnf install -y httpd-2.4 && dnf clean all');
    const reported = only(early, 'DL3040');
    assert.equal(reported.onlyForHadolint, true);
    assert.match(reported.message, /^hadolint reports this RUN though `dnf clean all` cleans the dnf cache after `dnf install`: .*`rm -rf \/tmp\/gnupg` comes before the install\. .*ignore DL3040 here\.$/);
    assert.equal(reported.fixes[0].title, 'Ignore DL3040 for this instruction');
    assert.equal(reported.fixes[0].preferred, true);
    none(early, 'EW3040');
    // No cleanup after the install: both report, and DL3040 is the plain finding.
    const plain = only(lines(FROM, 'RUN rm -rf /tmp/gnupg; microdnf install -y gnupg2-2.3; gpg --version'), 'DL3040');
    assert.equal(plain.onlyForHadolint, undefined);
    assert.match(plain.message, /^Run microdnf clean all after microdnf install/);
    none(lines(FROM, 'RUN microdnf install -y gnupg2-2.3 && microdnf clean all'), 'DL3040');
    none(lines(FROM, 'RUN microdnf install -y gnupg2-2.3 && microdnf clean all'), 'EW3040');
  });

  it('EW3040: rm -rf of another path after a dnf install is no cleanup (hadolint takes it for one): ours reports it under EW3040, naming DL3040', () => {
    const source = lines(FROM, 'RUN microdnf install -y gnupg2-2.3; rm -rf "$GNUPGHOME"');
    none(source, 'DL3040');
    const reported = only(source, 'EW3040');
    assert.equal(reported.severity, 'warning');
    assert.match(reported.message, /^Run microdnf clean all after microdnf install .*\(`rm -rf \$GNUPGHOME` does not clean the microdnf cache, though hadolint's DL3040 takes it as the cleanup\.\)$/);
    none(lines(FROM, 'RUN dnf install -y httpd-2.4 && rm -rf /var/cache/libdnf5'), 'EW3040');
    none(lines(FROM, 'RUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y httpd-2.4 && rm -rf /tmp/x'), 'EW3040');
  });

  it('DL3002: only the image the build produces counts, not a stage it does not build on', () => {
    none(lines('FROM debian:12 AS base', 'USER root', 'RUN make', 'FROM scratch', 'USER 1000'), 'DL3002');
    only(lines('FROM debian:12 AS base', 'USER root', 'FROM base', 'RUN make'), 'DL3002');
  });

  it('commands run through a wrapper (sudo, conda run, env, xargs…) are checked as the command they run', () => {
    only(lines(FROM, 'RUN sudo apt-get install -y --no-install-recommends curl'), 'DL3008');
    only(lines(FROM, 'RUN conda run -n py310_env pip install numpy'), 'DL3013');
  });

  it('DL3033/DL3041: a version from a declared variable pins, however it is expanded (${V//./-})', () => {
    none(lines(FROM, 'ARG CUDA=12.8', 'RUN dnf install -y cuda-toolkit-${CUDA//./-} && dnf clean all'), 'DL3041');
    only(lines('FROM fedora:42 AS build', 'ENV version=2.51', 'FROM fedora:42', 'RUN dnf install -y git-core-${version} && dnf clean all'), 'DL3041');
  });

  it('gem install: a value is dropped only after an option that takes one (hadolint drops the word after any option)', () => {
    only(lines(FROM, 'RUN gem install --no-document rails'), 'DL3028');
    none(lines(FROM, 'RUN gem install bundler:2.0.1 --use-system-libraries true'), 'DL3028');
  });
});
