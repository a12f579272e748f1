// ShellCheck's cost on a large Dockerfile (issue 22): a generated 5,000-line file with 1,000 ENV
// and 1,000 RUN, checked the way the editor checks it (runShellcheck: scripts written to a temp
// folder, one shellcheck process), first when the file opens, then after a one-line edit. Prints
// the scripts, their size, how many shellcheck was given, wall time, CPU seconds (our process and
// shellcheck together) and peak RSS (the larger of the two), for this tree and for main's linter
// (`git archive main src`, in the same run; stopped after --peer-limit seconds, default 120, since
// it ran 14 min before the fix). Goals: <= 2 s CPU, <= 150 MB.
// Run: node bench/shellcheck-cost.mjs [--lines 5000] [--peer-limit 120] [--no-peer]
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
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
      cpu: (own.user + own.system) / 1e6 + runs.reduce((sum, run) => sum + run.cpu, 0),
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

function report(label, phases) {
  for (const phase of phases) {
    const what = `${phase.scripts} RUN scripts (${(phase.bytes / 1024).toFixed(0)} KB), ${phase.checked} given to shellcheck`;
    const outcome = phase.stopped ? `stopped after ${(phase.wallMs / 1000).toFixed(0)} s, not finished` : `${(phase.wallMs / 1000).toFixed(1)} s wall, ${phase.findings} findings`;
    console.log(`${label.padEnd(5)} ${phase.name.padEnd(14)} ${phase.cpu.toFixed(2).padStart(6)} s CPU (ours ${phase.ownCpu.toFixed(2)})  peak RSS ${(phase.maxrssKb / 1024).toFixed(0).padStart(4)} MB  ${outcome}; ${what}`);
  }
}

const version = execFileSync('shellcheck', ['--version'], { encoding: 'utf8' }).match(/version: (\S+)/)?.[1];
console.log(`ShellCheck cost: ${lineCount}-line Dockerfile (${Math.floor(lineCount / 5)} ENV, ${Math.floor(lineCount / 5)} RUN), shellcheck ${version}; CPU = our process + shellcheck`);
const ours = measure(path.join(REPO, 'src', 'core', 'dockerfile'), 600);
report('this', ours);
if (!process.argv.includes('--no-peer')) {
  // main's linter, extracted beside node_modules so its imports resolve.
  const peer = path.join(scratch, 'main');
  mkdirSync(peer, { recursive: true });
  const archive = spawnSync('git', ['archive', 'main', 'src'], { cwd: REPO, maxBuffer: 256 * 1024 * 1024 });
  if (archive.status === 0) {
    spawnSync('tar', ['-x', '-C', peer], { input: archive.stdout });
    report('main', measure(path.join(peer, 'src', 'core', 'dockerfile'), peerLimit));
  } else console.log('main: no branch "main" to compare with');
}
const first = ours[0];
console.log(`goal (first run): <= 2 s CPU, <= 150 MB: ${first.cpu <= 2 && first.maxrssKb / 1024 <= 150 ? 'met' : 'NOT met'}`);
rmSync(scratch, { recursive: true, force: true });
