// Docker's build checks: how ours fare on BuildKit's own rule tests (test/fixtures/buildkit-lint-tests.json,
// from moby/buildkit's dockerfile_check_test.go), per rule; and what they add to each keystroke's lint
// of a 2,000-line Dockerfile, against the same lint without them (same run, interleaved).
// Run: node --import tsx bench/build-checks.mjs
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { median } from './stats.mjs';
import { generateDockerfile } from './sampleDockerfile.mjs';
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
