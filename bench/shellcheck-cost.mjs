// ShellCheck's cost on a large Dockerfile (issue 22): a generated 5,000-line file with 1,000 ENV
// and 1,000 RUN, checked the way the editor checks it (runShellcheck: scripts written to a temp
// folder, one shellcheck process), first when the file opens, then after a one-line edit. Prints
// the scripts, their size, how many shellcheck was given, wall time, CPU seconds (our process and
// shellcheck together) and peak RSS (the larger of the two), for this tree and for main's linter
// (`git archive main src`, or of --peer <commit>, in the same run; stopped after --peer-limit seconds, default 120, since
// it ran 14 min before the fix). Goals: <= 2 s CPU, <= 150 MB. Each figure is the median of --runs
// fresh processes (default 3), with the range. --corpus also checks every file of
// ../shared/dockerfile-corpus with this tree's and the peer's linter and says whether the findings are the same.
// Run: node bench/shellcheck-cost.mjs [--lines 5000] [--runs 3] [--peer main] [--peer-limit 120] [--no-peer] [--corpus]
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argument = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};

/** 1,000 blocks of five lines: ENV, RUN (using a few variables), COPY, LABEL, a comment. */
function generateDockerfile(lineCount) {
  const lines = ['FROM debian:12.5'];
  for (let n = 0; lines.length < lineCount; n++) {
    lines.push(
      `ENV VAR_${n}=value-${n} PATH_${n}=/opt/tool${n}/bin`,
      `RUN mkdir -p /opt/tool${n} && cp -r /src/$VAR_${n} "$PATH_${n}" && echo \`date\` > /tmp/built-${n}`,
      `COPY files/${n}.conf /etc/tool${n}/`,
      `LABEL org.example.step-${n}="${n}"`,
      `# step ${n}`,
    );
  }
  return lines.slice(0, lineCount).join('\n') + '\n';
}

/** A shellcheck that records its CPU and peak RSS (Python's rusage of the real one) and stops it with itself. */
const WRAPPER = `#!/usr/bin/env python3
import json, os, resource, signal, subprocess, sys
child = subprocess.Popen(["shellcheck"] + sys.argv[1:])
def stop(signum, frame):
    child.kill()
signal.signal(signal.SIGTERM, stop)
code = child.wait()
r = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(os.environ["SHELLCHECK_COST_LOG"], "a") as log:
    log.write(json.dumps({"cpu": r.ru_utime + r.ru_stime, "maxrssKb": r.ru_maxrss, "files": len(sys.argv) - 3}) + "\\n")
sys.exit(code)
`;

if (process.argv[2] === '--corpus-worker') {
  // `--corpus-worker <folder of src/core/dockerfile> <corpus files folder>`: every finding, one line each, in file order.
  const [, , , folder, files] = process.argv;
  const { readFileSync, readdirSync } = await import('node:fs');
  const { parseDockerfile } = await import(pathToFileURL(path.join(folder, 'parse.ts')).href);
  const shellcheck = await import(pathToFileURL(path.join(folder, 'shellcheck.ts')).href);
  const lines = [];
  for (const name of readdirSync(files).sort()) {
    const model = parseDockerfile(readFileSync(path.join(files, name), 'utf8'));
    const found = await shellcheck.runShellcheck(model, 'shellcheck', { limits: { timeoutMs: 3_600_000, maxScriptBytes: Number.MAX_SAFE_INTEGER } });
    for (const d of found) lines.push(`${name} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.ruleId} ${d.severity} ${d.message}`);
  }
  console.log(JSON.stringify(lines));
  process.exit(0);
}

if (process.argv[2] === '--worker') {
  // `--worker <folder of src/core/dockerfile> <Dockerfile> <wrapper> <limit s>`: a cold run, then one after a one-line edit.
  const [, , , folder, file, wrapper, limit] = process.argv;
  const { readFileSync } = await import('node:fs');
  const { parseDockerfile } = await import(pathToFileURL(path.join(folder, 'parse.ts')).href);
  const shellcheck = await import(pathToFileURL(path.join(folder, 'shellcheck.ts')).href);
  const logFile = process.env.SHELLCHECK_COST_LOG;
  const text = readFileSync(file, 'utf8');
  const phases = [];
  for (const [name, source] of [['first run', text], ['after an edit', text.replace('RUN mkdir -p /opt/tool7 ', 'RUN mkdir -p /opt/tool7-edited ')]]) {
    writeFileSync(logFile, '');
    const cpu = process.cpuUsage();
    const start = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Number(limit) * 1000);
    let findings;
    let scripts;
    try {
      const model = parseDockerfile(source);
      scripts = shellcheck.shellcheckInputs(model);
      findings = (await shellcheck.runShellcheck(model, wrapper, { signal: controller.signal, limits: { timeoutMs: 3_600_000, maxScriptBytes: Number.MAX_SAFE_INTEGER } })).length;
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
    clearTimeout(timer);
    const own = process.cpuUsage(cpu);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the wrapper writes its line as it exits
    const runs = readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    phases.push({
      name,
      stopped: controller.signal.aborted,
      wallMs: performance.now() - start,
      ownCpu: (own.user + own.system) / 1e6,
      shellcheckCpu: runs.reduce((sum, run) => sum + run.cpu, 0),
      cpu: (own.user + own.system) / 1e6 + runs.reduce((sum, run) => sum + run.cpu, 0),
      ownRssKb: process.resourceUsage().maxRSS,
      shellcheckRssKb: Math.max(0, ...runs.map((run) => run.maxrssKb)),
      maxrssKb: Math.max(process.resourceUsage().maxRSS, ...runs.map((run) => run.maxrssKb)),
      scripts: scripts?.length,
      bytes: scripts?.reduce((sum, input) => sum + input.text.length, 0),
      checked: runs.reduce((sum, run) => sum + run.files, 0),
      findings,
    });
    if (controller.signal.aborted) break;
  }
  console.log(JSON.stringify(phases));
  process.exit(0);
}

const lineCount = Number(argument('--lines', '5000'));
const peerLimit = Number(argument('--peer-limit', '120'));
const runs = Math.max(1, Number(argument('--runs', '3')));
/** The linter to compare with: main's, or the tree of any commit (--peer <ref>). */
const PEER = argument('--peer', 'main');
const scratch = path.join(REPO, 'node_modules', '.cache', 'ecr-shellcheck-bench');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
const dockerfile = path.join(scratch, 'Dockerfile');
writeFileSync(dockerfile, generateDockerfile(lineCount));
const wrapper = path.join(scratch, 'shellcheck-measured');
writeFileSync(wrapper, WRAPPER, { mode: 0o755 });

function measure(folder, limit) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--worker', folder, dockerfile, wrapper, String(limit)], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, SHELLCHECK_COST_LOG: path.join(scratch, 'runs.log') },
  });
  if (result.status !== 0) throw new Error(`measuring failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const spread = (values, digits, scale = 1) => (values.length > 1 ? ` [${(Math.min(...values) / scale).toFixed(digits)}-${(Math.max(...values) / scale).toFixed(digits)}]` : '');

/** `samples`: one array of phases per process. Medians per phase, with the range when there are several. */
function report(label, samples) {
  for (const [index, phase] of samples[0].entries()) {
    const all = samples.map((phases) => phases[index]).filter(Boolean);
    const of = (key) => all.map((one) => one[key]);
    const what = `${phase.scripts} RUN scripts (${(phase.bytes / 1024).toFixed(0)} KB), ${phase.checked} given to shellcheck`;
    const outcome = phase.stopped ? `stopped after ${(phase.wallMs / 1000).toFixed(0)} s, not finished` : `${(median(of('wallMs')) / 1000).toFixed(1)} s wall, ${phase.findings} findings`;
    const cpu = `${median(of('cpu')).toFixed(2).padStart(5)} s CPU${spread(of('cpu'), 2)} (ours ${median(of('ownCpu')).toFixed(2)}${spread(of('ownCpu'), 2)}, shellcheck ${median(of('shellcheckCpu')).toFixed(2)}${spread(of('shellcheckCpu'), 2)})`;
    const rss = `peak RSS ${(median(of('maxrssKb')) / 1024).toFixed(0).padStart(4)} MB${spread(of('maxrssKb'), 0, 1024)} (ours ${(median(of('ownRssKb')) / 1024).toFixed(0)}, shellcheck ${(median(of('shellcheckRssKb')) / 1024).toFixed(0)})`;
    console.log(`${label.padEnd(5)} ${phase.name.padEnd(14)} ${cpu}  ${rss}  ${outcome}; ${what}`);
  }
}

/** The peer's src (main's unless --peer), extracted beside node_modules so its imports resolve; undefined without such a commit. */
function peerSource() {
  const peer = path.join(scratch, 'main');
  if (existsSync(peer)) return path.join(peer, 'src', 'core', 'dockerfile');
  const archive = spawnSync('git', ['archive', PEER, 'src'], { cwd: REPO, maxBuffer: 256 * 1024 * 1024 });
  if (archive.status !== 0) return undefined;
  mkdirSync(peer, { recursive: true });
  spawnSync('tar', ['-x', '-C', peer], { input: archive.stdout });
  return path.join(peer, 'src', 'core', 'dockerfile');
}

const version = execFileSync('shellcheck', ['--version'], { encoding: 'utf8' }).match(/version: (\S+)/)?.[1];
console.log(`ShellCheck cost: ${lineCount}-line Dockerfile (${Math.floor(lineCount / 5)} ENV, ${Math.floor(lineCount / 5)} RUN), shellcheck ${version}; CPU = our process + shellcheck; medians of ${runs} run${runs === 1 ? "" : "s"} [range]`);
const ours = Array.from({ length: runs }, () => measure(path.join(REPO, 'src', 'core', 'dockerfile'), 600));
report('this', ours);
if (!process.argv.includes('--no-peer')) {
  const peer = peerSource();
  if (!peer) console.log(`${PEER}: no such commit to compare with`);
  else {
    // As many runs as ours, unless the first one had to be stopped at --peer-limit.
    const theirs = [measure(peer, peerLimit)];
    while (theirs.length < runs && !theirs[0].some((phase) => phase.stopped)) theirs.push(measure(peer, peerLimit));
    report(PEER.slice(0, 5), theirs);
  }
}
const first = ours.map((phases) => phases[0]);
const firstCpu = median(first.map((phase) => phase.cpu));
const firstRss = median(first.map((phase) => phase.maxrssKb)) / 1024;
console.log(`goal (first run): <= 2 s CPU, <= 150 MB: ${firstCpu <= 2 && firstRss <= 150 ? 'met' : 'NOT met'} (median ${firstCpu.toFixed(2)} s, ${firstRss.toFixed(0)} MB)`);
if (process.argv.includes('--corpus')) {
  const files = path.join(REPO, '..', 'shared', 'dockerfile-corpus', 'files');
  const peer = peerSource();
  const findings = (folder) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--corpus-worker', folder, files], { cwd: REPO, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`the corpus run failed: ${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').pop());
  };
  if (!existsSync(files)) console.log(`corpus: no ${files}`);
  else if (!peer) console.log(`corpus: no commit ${PEER} to compare with`);
  else {
    const mine = findings(path.join(REPO, 'src', 'core', 'dockerfile'));
    const theirs = findings(peer);
    const only = (a, b) => { const set = new Set(b); return a.filter((line) => !set.has(line)); };
    const [ourOnly, mainOnly] = [only(mine, theirs), only(theirs, mine)];
    console.log(`corpus: ${mine.length} ShellCheck findings (${PEER}: ${theirs.length}) over ${readdirSync(files).length} files; ${ourOnly.length === 0 && mainOnly.length === 0 && mine.length === theirs.length ? `the same as ${PEER}'s` : `DIFFERENT from ${PEER}'s`}`);
    for (const line of ourOnly.slice(0, 10)) console.log(`  only here: ${line}`);
    for (const line of mainOnly.slice(0, 10)) console.log(`  only ${PEER}: ${line}`);
  }
}
rmSync(scratch, { recursive: true, force: true });
