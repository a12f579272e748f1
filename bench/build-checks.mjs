// Docker's build checks: how ours fare on BuildKit's own rule tests (test/fixtures/buildkit-lint-tests.json,
// from moby/buildkit's dockerfile_check_test.go), per rule; and what they add to each keystroke's lint
// of a 2,000-line Dockerfile, against the same lint without them (same run, interleaved).
// Run: node --import tsx bench/build-checks.mjs
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { median } from './stats.mjs';
const { loadFixture, runCase, tallyByRule } = await import('../test/unit/dockerfile/buildkitFixture.ts');
const { lintDockerfile } = await import('../src/core/dockerfile/lint.ts');
const { parseDockerfile } = await import('../src/core/dockerfile/parse.ts');
const { runBuildChecks } = await import('../src/core/dockerfile/buildChecks/index.ts');

const results = loadFixture().map(runCase);
const tally = tallyByRule(results);
console.log('BuildKit rule tests (dockerfile_check_test.go @73ed682), lint subrequest expectations:');
console.log('rule                             expected  reported  missing  unexpected');
let expected = 0;
let reported = 0;
let unexpected = 0;
for (const [rule, counts] of tally) {
  expected += counts.expected;
  reported += counts.reported;
  unexpected += counts.unexpected;
  console.log(`${rule.padEnd(32)} ${String(counts.expected).padStart(8)}  ${String(counts.reported).padStart(8)}  ${String(counts.missing).padStart(7)}  ${String(counts.unexpected).padStart(10)}`);
}
const decided = results.filter((result) => !result.fixtureCase.difference);
const exact = decided.filter((result) => result.missing.length === 0 && result.unexpected.length === 0).length;
console.log(`build checks: ${reported}/${expected} expected warnings reported, ${unexpected} unexpected, ${exact}/${decided.length} cases exact, over ${tally.size} rules`);
for (const result of results.filter((r) => r.fixtureCase.difference)) {
  console.log(`build checks: deliberate difference ${result.fixtureCase.name}: ${result.fixtureCase.difference} (missing ${result.missing.length}, unexpected ${result.unexpected.length})`);
}

/** A realistic file, as bench/lint.mjs makes: stages, continuations, heredocs, apt and pip. */
function generateDockerfile(lineCount) {
  const lines = ['# syntax=docker/dockerfile:1', 'ARG PY=310', 'ARG AQUEDUCT=0.3.6'];
  let block = 0;
  while (lines.length < lineCount) {
    const n = block++;
    lines.push(
      n === 0 ? 'FROM aqueducthq/function${PY}:${AQUEDUCT}' : `FROM python:3.${8 + (n % 3)}-slim AS stage${n}`,
      `# stage ${n}: dependencies for operator ${n}`,
      'RUN apt-get update \\',
      `    && apt-get install -y --no-install-recommends curl=7.88.${n} git${n % 2 ? '' : '=1:2.39'} \\`,
      '    && rm -rf /var/lib/apt/lists/*',
      `ENV APP_HOME=/srv/app${n} PYTHONDONTWRITEBYTECODE=1`,
      `WORKDIR /srv/app${n}`,
      `COPY requirements-${n}.txt ./`,
      `RUN pip install --no-cache-dir -r requirements-${n}.txt pandas==2.0.${n % 4} scikit-learn${n % 3 ? '' : '==1.3.0'}`,
      'RUN <<EOF',
      `echo "building ${n}" | tee /tmp/build-${n}.log`,
      `cd /srv/app${n} && python -m compileall .`,
      'EOF',
      `COPY --chown=1000:1000 src/ /srv/app${n}/src/`,
      `LABEL org.opencontainers.image.revision="${n}"`,
      `# hadolint ignore=DL3003`,
      `RUN cd /srv && ls -la app${n}`,
      `USER ${n % 5 ? 'app' : 'root'}`,
    );
  }
  return lines.slice(0, lineCount).join('\n') + '\n';
}

const base = { serverVersion: '0.3.6' };
const withChecks = { ...base, buildChecks: { mode: 'merged', dockerignore: ['.git', '*.log', 'secrets/'] } };
const lines = generateDockerfile(2000).split('\n');
const editLine = lines.findIndex((line, index) => index > 1000 && line.startsWith('WORKDIR'));
let keystroke = 0;
const type = (options) => {
  lines[editLine] = `WORKDIR /srv/edited${keystroke++}`;
  const start = performance.now();
  lintDockerfile(lines.join('\n'), options);
  return performance.now() - start;
};
for (let i = 0; i < 20; i++) {
  type(base);
  type(withChecks);
}
const without = [];
const within = [];
// Alternating which goes first, so neither pays the other's garbage collection more often.
for (let i = 0; i < 160; i++) {
  if (i % 2 === 0) {
    without.push(type(base));
    within.push(type(withChecks));
  } else {
    within.push(type(withChecks));
    without.push(type(base));
  }
}
const a = median(without);
const b = median(within);
const docker = lintDockerfile(lines.join('\n'), withChecks).diagnostics.filter((d) => d.source === 'docker' || d.alsoCodes).length;
// The same with a full collection before each lint: who pays for garbage collection in the loop above
// depends on timing, not on the code; this settles it (the lint's own work, both ways).
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const settledWithout = [];
const settledWith = [];
for (let i = 0; i < 120; i++) {
  for (const [options, samples] of i % 2 === 0 ? [[base, settledWithout], [withChecks, settledWith]] : [[withChecks, settledWith], [base, settledWithout]]) {
    lines[editLine] = `WORKDIR /srv/edited${keystroke++}`;
    const text = lines.join('\n');
    gc();
    const start = performance.now();
    lintDockerfile(text, options);
    samples.push(performance.now() - start);
  }
}
// The checks alone, on the parsed file (what they add to a keystroke, without the machine's noise in two lint timings).
const model = parseDockerfile(lines.join('\n'));
const alone = [];
for (let i = 0; i < 100; i++) {
  const start = performance.now();
  runBuildChecks(model, withChecks.buildChecks, undefined);
  alone.push(performance.now() - start);
}
console.log(`build checks: lint 2000 lines per keystroke median ${a.toFixed(3)} ms without, ${b.toFixed(3)} ms with the build checks (ratio ${(b / a).toFixed(2)}x, +${(b - a).toFixed(3)} ms; ${docker} build-check diagnostics); the checks alone median ${median(alone).toFixed(3)} ms`);
console.log(`build checks: lint 2000 lines per keystroke after a full GC each: median ${median(settledWithout).toFixed(3)} ms without, ${median(settledWith).toFixed(3)} ms with (ratio ${(median(settledWith) / median(settledWithout)).toFixed(2)}x)`);
