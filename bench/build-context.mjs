#!/usr/bin/env node
// A large build context through the extension's code path (createBuildContext + the dockerode
// engine, as the ecr-build task sends it) against `docker build` on the same context and engine.
//
//   eval "$(node test/stack/stack.mjs env)" && node --expose-gc --import tsx bench/build-context.mjs [runs]
//
// The context (made in a temp folder, removed at the end): a node_modules-like tree of many small
// files plus a few big files, 1.5 GiB, excluded by `.dockerignore`; and 500 MiB that is sent (a
// source tree and a few big files). Big files are sparse (made with truncate): creating the context
// takes seconds, and reading them costs what reading any file costs the tar packer.
//
// "Build starts" is the time from the request until the engine reports `Step 1/…`: the classic
// builder reads the whole context before its first step, so this is the context's walk, pack and
// transfer. After one unmeasured round each (page cache, module loading), runs alternate which side
// goes first; figures are medians. The extension side's rss is
// sampled every 20 ms while it sends; the growth is the peak minus rss just before the run.
// CPU (user + system) until the build ends: the extension's is this process's own (packing, sending,
// reading the engine's answer); the CLI's is what its process used, from this process's reaped
// children's times in /proc/self/stat (Linux; 10 ms ticks). The engine's own CPU is in neither.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBuildContext } from '../src/core/docker/buildContext.ts';
import { DockerodeEngine } from '../src/core/docker/dockerodeEngine.ts';
import { resolveEngineHost } from '../src/core/docker/engineHost.ts';
import { median } from './stats.mjs';

const dockerHost = process.env.DOCKER_HOST;
if (!dockerHost) {
  console.error('Needs a Docker Engine: eval "$(node test/stack/stack.mjs env)" first (DOCKER_HOST).');
  process.exit(2);
}
const runs = Math.max(3, Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 5));
const MiB = 1024 * 1024;
const EXCLUDED_BYTES = 1536 * MiB;
const INCLUDED_BYTES = 500 * MiB;
const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 2000);
const FILES_PER_PACKAGE = 24;

/** Writes the context; returns its folder and what it holds. */
function makeContext() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-context-'));
  const made = performance.now();
  let excludedFiles = 0;
  let excludedBytes = 0;
  const small = 'module.exports = function () { return 42; };\n'.repeat(40); // ~1.8 KB
  for (let index = 0; index < PACKAGES; index++) {
    const pkg = path.join(root, 'node_modules', index % 10 === 0 ? `@scope-${index % 7}` : '', `pkg-${index}`);
    mkdirSync(path.join(pkg, 'lib', 'internal'), { recursive: true });
    for (let file = 0; file < FILES_PER_PACKAGE; file++) {
      const where = file < 8 ? pkg : file < 16 ? path.join(pkg, 'lib') : path.join(pkg, 'lib', 'internal');
      writeFileSync(path.join(where, `f${file}.js`), small);
      excludedFiles++;
      excludedBytes += small.length;
    }
  }
  // The rest of the 1.5 GiB in a few big (sparse) files, as native builds and caches leave them.
  const bigExcluded = 3;
  mkdirSync(path.join(root, 'node_modules', '.cache'), { recursive: true });
  for (let index = 0; index < bigExcluded; index++) {
    truncateSync(writeEmpty(path.join(root, 'node_modules', '.cache', `blob-${index}.bin`)), Math.floor((EXCLUDED_BYTES - excludedBytes) / bigExcluded));
    excludedFiles++;
  }
  // Sent: a source tree and the rest of 500 MiB in four big files.
  let includedFiles = 0;
  let includedBytes = 0;
  for (let index = 0; index < 200; index++) {
    const dir = path.join(root, 'src', `module${index % 20}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `file${index}.py`), small);
    includedFiles++;
    includedBytes += small.length;
  }
  mkdirSync(path.join(root, 'models'), { recursive: true });
  for (let index = 0; index < 4; index++) {
    truncateSync(writeEmpty(path.join(root, 'models', `weights-${index}.bin`)), Math.floor((INCLUDED_BYTES - includedBytes) / 4));
    includedFiles++;
  }
  writeFileSync(path.join(root, '.dockerignore'), 'node_modules\n*.log\n');
  writeFileSync(path.join(root, 'Dockerfile'), 'FROM scratch\nCOPY src /src\n');
  return { root, excludedFiles, includedFiles, madeMs: performance.now() - made };
}

function writeEmpty(file) {
  writeFileSync(file, '');
  return file;
}

/** CPU seconds of this process's children that have ended and been reaped (cutime + cstime), or undefined off Linux. */
function reapedChildrenCpu() {
  try {
    // Fields after the command name (which may hold spaces): cutime and cstime are the 16th and 17th of the line.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

function ownCpuSince(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

const engine = new DockerodeEngine(resolveEngineHost({ setting: dockerHost }));
await engine.ping();

async function extensionRun(root, tag) {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const context = createBuildContext(root, path.join(root, 'Dockerfile'));
  let startedMs;
  for await (const event of engine.build(context.stream, { tag, dockerfile: context.dockerfileInContext })) {
    if (startedMs === undefined && /^Step 1\//.test(event.stream ?? '')) startedMs = performance.now() - started;
    if (event.error) throw new Error(`build failed: ${event.error}`);
  }
  clearInterval(sampler);
  const cpu = ownCpuSince(cpuStart);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (startedMs === undefined) throw new Error('the engine never reported Step 1');
  return { ms: startedMs, cpu, rssGrowth: peak - before, walk: context.walk };
}

function cliRun(root, tag) {
  return new Promise((resolve, reject) => {
    const cpuBefore = reapedChildrenCpu();
    const started = performance.now();
    const child = spawn('docker', ['build', '-t', tag, root], { env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let startedMs;
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      if (startedMs === undefined && /^Step 1\//m.test(output)) startedMs = performance.now() - started;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const cpuAfter = reapedChildrenCpu();
      if (code !== 0 || startedMs === undefined) reject(new Error(`docker build failed (${code}): ${output.slice(-500)}`));
      else resolve({ ms: startedMs, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore });
    });
  });
}

const { root, excludedFiles, includedFiles, madeMs } = makeContext();
const tags = [];
try {
  console.log(`context: ${root} made in ${(madeMs / 1000).toFixed(1)} s: 2.0 GiB, 1.5 GiB excluded by .dockerignore (node_modules: ${excludedFiles} files in ${PACKAGES} packages), 500 MiB sent (${includedFiles} files)`);
  // One unmeasured round each: the first reader of the context pays for the page cache (and the
  // first build for loading dockerode); neither is what this compares.
  tags.push('bench-context:warm-ext', 'bench-context:warm-cli');
  await extensionRun(root, 'bench-context:warm-ext');
  await cliRun(root, 'bench-context:warm-cli');
  const rows = [];
  for (let index = 0; index < runs; index++) {
    const extTag = `bench-context:ext-${index}`;
    const cliTag = `bench-context:cli-${index}`;
    tags.push(extTag, cliTag);
    const extFirst = index % 2 === 0;
    const first = extFirst ? await extensionRun(root, extTag) : await cliRun(root, cliTag);
    const second = extFirst ? await cliRun(root, cliTag) : await extensionRun(root, extTag);
    const [ext, cli] = extFirst ? [first, second] : [second, first];
    rows.push({ ext, cli, ratio: ext.ms / cli.ms });
    console.log(`run ${index + 1}/${runs} (${extFirst ? 'extension' : 'docker build'} first): extension ${(ext.ms / 1000).toFixed(2)} s, docker build ${(cli.ms / 1000).toFixed(2)} s, ratio ${(ext.ms / cli.ms).toFixed(3)}, rss +${(ext.rssGrowth / MiB).toFixed(1)} MiB, cpu extension ${ext.cpu.toFixed(2)} s, docker build ${cli.cpu?.toFixed(2) ?? '?'} s`);
  }
  const walk = rows[0].ext.walk;
  console.log('');
  console.log(`build context, 2.0 GiB (1.5 GiB excluded), ${runs} runs, time until the engine starts Step 1`);
  console.log(`  extension path (dockerode):  median ${(median(rows.map((row) => row.ext.ms)) / 1000).toFixed(2)} s`);
  console.log(`  docker build (classic):      median ${(median(rows.map((row) => row.cli.ms)) / 1000).toFixed(2)} s`);
  console.log(`  median ratio extension/CLI:  ${median(rows.map((row) => row.ratio)).toFixed(3)}`);
  const cliCpu = rows.map((row) => row.cli.cpu).filter((value) => value !== undefined);
  console.log(`  cpu until the build ends:    extension median ${median(rows.map((row) => row.ext.cpu)).toFixed(2)} s, docker build ${cliCpu.length ? `median ${median(cliCpu).toFixed(2)} s` : 'not measured (no /proc)'}`);
  console.log(`  rss growth while sending:    median ${(median(rows.map((row) => row.ext.rssGrowth)) / MiB).toFixed(1)} MiB, max ${(Math.max(...rows.map((row) => row.ext.rssGrowth)) / MiB).toFixed(1)} MiB${globalThis.gc ? '' : ' (run with --expose-gc for a steadier baseline)'}`);
  console.log(`  walk: ${walk.entriesSeen} directory entries looked at, ${walk.prunedDirectories} excluded folders pruned, ${walk.walkedExcludedDirectories} excluded folders walked (${excludedFiles} files under node_modules never read)`);
  console.log(`  machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, load average ${os.loadavg().map((value) => value.toFixed(1)).join(' ')} (shared machine)`);
} finally {
  rmSync(root, { recursive: true, force: true });
  if (tags.length) spawnSync('docker', ['rmi', '-f', ...tags], { env: { ...process.env, DOCKER_HOST: dockerHost }, stdio: 'ignore' });
}
