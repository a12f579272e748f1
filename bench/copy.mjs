// Copy a 200 MiB single-platform image between two repositories of the local registry: the
// extension's registry client (bench/copyWorker.ts) against `skopeo copy --all` (Debian's skopeo,
// installed when missing) on the same image, in two pairs:
// - streamed: the target named by another host name of the same registry (localhost:P instead of
//   127.0.0.1:P), so neither tool can mount and every byte goes through the copying process;
// - mounted: the same host name, so both mount blobs across repositories (skopeo once its blob-info
//   cache knows where the blobs are; the cache is cleared before each streamed skopeo run, since it
//   would otherwise mount there too).
// Alternating runs (BENCH_RUNS, at least 5), each to a fresh target repository so nothing is skipped; prints the medians,
// their ratios and each copying process's peak RSS (from /usr/bin/time). Then the extension host's
// own memory: the VS Code server runs bench/copySuite.ts, which copies the same image through the
// "Copy Image To…" command (mounted) and through the same core copy with mounts off (every byte
// through the host), sampling the host's RSS during each. Needs the stack (ECR_WB_REGISTRY,
// ECR_WB_ECR_ENDPOINT, DOCKER_HOST): `npm run bench copy`, or with `eval "$(node test/stack/stack.mjs env)"` first.
// BENCH_COPY_HOST=0 leaves the extension-host part out (the process-against-process figures only).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 200);
const registry = process.env.ECR_WB_REGISTRY;
const dockerHost = process.env.DOCKER_HOST;
if (!registry || !dockerHost) {
  console.error('copy bench: needs the stack (ECR_WB_REGISTRY, DOCKER_HOST); run `npm run bench copy`');
  process.exit(1);
}
const { MOTO_REGISTRY_PASSWORD } = await import('../test/support/stack.ts');
const { median } = await import('./stats.mjs');
const { dockerCli, buildPlatformImage } = await import('../test/support/multiArch.ts');

if (!existsSync('/usr/bin/skopeo')) {
  console.log('installing skopeo (Debian package)…');
  const installed = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'skopeo'], { stdio: 'inherit' });
  if (installed.status !== 0) {
    console.error('copy bench: could not install skopeo (apt-get install -y skopeo)');
    process.exit(1);
  }
}
if (!existsSync('/usr/bin/time')) {
  console.error('copy bench: needs /usr/bin/time (apt-get install -y time) for peak RSS');
  process.exit(1);
}

// The worker runs bundled, as the extension's code does (not through tsx, whose start-up would count).
const worker = path.join(REPO, 'dist', 'bench', 'copyWorker.js');
const { build } = await import('esbuild');
await build({ entryPoints: [path.join(REPO, 'bench', 'copyWorker.ts')], outfile: worker, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });

const run = randomBytes(3).toString('hex');
const source = `bench-copy-${run}/src:1`;
const cli = dockerCli(dockerHost, registry, MOTO_REGISTRY_PASSWORD);
try {
  console.log(`building and pushing a ${SIZE_MIB} MiB single-platform image to ${registry}/${source}…`);
  buildPlatformImage(cli, `${registry}/${source}`, 'linux/amd64', { extraMiB: SIZE_MIB });
  cli.run(['push', '--quiet', `${registry}/${source}`]);
  cli.run(['rmi', `${registry}/${source}`]);
} finally {
  cli.cleanup();
}

/** Runs a command under /usr/bin/time; returns wall ms and peak RSS in MiB. */
function timed(command, args, env = {}) {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M', command, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} failed: ${(result.stderr || result.stdout).slice(-800)}`);
  const rss = Number(/PEAK_RSS_KB=(\d+)/.exec(result.stderr)?.[1] ?? NaN) / 1024;
  return { ms, rss, stdout: result.stdout };
}

const figures = { ours: [], skopeo: [], oursmount: [], skopeomount: [] };
const otherName = registry.replace(/^127\.0\.0\.1:/, 'localhost:');
for (let index = 0; index < RUNS; index++) {
  const order = index % 2 === 0 ? ['ours', 'skopeo', 'oursmount', 'skopeomount'] : ['skopeo', 'ours', 'skopeomount', 'oursmount'];
  for (const kind of order) {
    const targetHost = kind.endsWith('mount') ? registry : otherName;
    const target = `bench-copy-${run}/${kind}-${index}:1`;
    if (kind === 'skopeo') {
      // skopeo's blob-info cache remembers where it wrote blobs and mounts from there next time,
      // even across host names: forget it (only a cache) so its streamed runs really stream.
      for (const file of ['blob-info-cache-v1.boltdb', 'blob-info-cache-v1.sqlite']) rmSync(path.join('/var/lib/containers/cache', file), { force: true });
    }
    if (kind.startsWith('skopeo')) {
      // moto's fixed test password (not a secret) on skopeo's command line; never printed.
      const result = timed('skopeo', ['copy', '--all', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false', '--src-creds', `AWS:${MOTO_REGISTRY_PASSWORD}`, '--dest-creds', `AWS:${MOTO_REGISTRY_PASSWORD}`, `docker://${registry}/${source}`, `docker://${targetHost}/${target}`]);
      figures[kind].push(result);
    } else {
      const result = timed(process.execPath, [worker, registry, source, targetHost, target, 'mount'], { BENCH_REGISTRY_PASSWORD: MOTO_REGISTRY_PASSWORD });
      const reported = JSON.parse(result.stdout.trim().split('\n').at(-1));
      figures[kind].push({ ...result, copyMs: reported.ms, streamed: reported.bytesStreamed, blobs: reported.blobs });
    }
    const last = figures[kind].at(-1);
    console.log(`run ${index + 1} ${kind.padEnd(11)} ${(last.ms / 1000).toFixed(2)} s  peak RSS ${last.rss.toFixed(0)} MiB${last.blobs ? `  (copy itself ${(last.copyMs / 1000).toFixed(2)} s, blobs ${JSON.stringify(last.blobs)})` : ''}`);
  }
}
const line = (kind, label) => {
  const ms = median(figures[kind].map((entry) => entry.ms));
  const rss = Math.max(...figures[kind].map((entry) => entry.rss));
  console.log(`${label.padEnd(46)} median ${(ms / 1000).toFixed(2)} s  peak RSS ${rss.toFixed(0)} MiB`);
  return ms;
};
console.log(`\n${SIZE_MIB} MiB image, ${RUNS} alternating runs each`);
const skopeo = line('skopeo', 'skopeo copy, streamed');
const ours = line('ours', 'ECR Workbench copy, streamed');
const skopeoMount = line('skopeomount', 'skopeo copy, same host (mounts when cached)');
const oursMount = line('oursmount', 'ECR Workbench copy, cross-repository mount');
console.log(`ratio streamed ECR Workbench / skopeo: ${(ours / skopeo).toFixed(2)} (goal <= 1.00; below 1: faster than skopeo)`);
console.log(`ratio mounted  ECR Workbench / skopeo: ${(oursMount / skopeoMount).toFixed(2)} (goal <= 1.00)`);
console.log('(wall time of each process, start to exit, for both; the worker is the bundled copy under plain Node, its peak RSS includes Node)');

// ---- the extension host itself --------------------------------------------------------------
if (process.env.BENCH_COPY_HOST === '0') {
  console.log('\nextension host: skipped (BENCH_COPY_HOST=0)');
} else if (!process.env.ECR_WB_ECR_ENDPOINT) {
  console.log('\nextension host: skipped (ECR_WB_ECR_ENDPOINT not set; the copy command creates its target repository through the ECR API)');
} else {
  if (spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'ignore' }).status !== 0) throw new Error('build failed');
  const { runExtensionSuite } = await import('../test/extension/server.mjs');
  const host = { command: [], streamed: [] };
  let maxRss;
  const { code } = await runExtensionSuite({
    stackEnv: { ECR_WB_ECR_ENDPOINT: process.env.ECR_WB_ECR_ENDPOINT, ECR_WB_REGISTRY: registry, DOCKER_HOST: dockerHost, ECR_WB_BENCH_SOURCE: source, ECR_WB_BENCH_RUNS: String(RUNS) },
    extensionPath: REPO,
    testsPath: path.join(REPO, 'dist', 'test', 'bench', 'copy.js'),
    timeoutMs: 20 * 60_000,
    onLine: (text) => {
      const match = /^host-copy kind=(\w+) run=\d+ ms=(\d+) rssBefore=([\d.]+) rssPeak=([\d.]+) blobs=(.*)$/.exec(text);
      if (match) host[match[1]].push({ ms: Number(match[2]), before: Number(match[3]), peak: Number(match[4]), blobs: match[5] });
      const max = /^host-maxrss=([\d.]+)/.exec(text);
      if (max) maxRss = Number(max[1]);
    },
  });
  console.log(`\nextension host (VS Code server's extension host process, RSS sampled every 10 ms during each copy, ${RUNS} runs):`);
  for (const [kind, label] of [['command', '"Copy Image To…" command (mounts)'], ['streamed', 'same copy, mounts off (all bytes via host)']]) {
    const rows = host[kind];
    if (!rows.length) continue;
    console.log(`${label.padEnd(46)} median ${(median(rows.map((row) => row.ms)) / 1000).toFixed(2)} s  peak RSS ${Math.max(...rows.map((row) => row.peak)).toFixed(0)} MiB (rise during one copy: ${rows.map((row) => `+${(row.peak - row.before).toFixed(0)}`).join(' / ')} MiB)  blobs ${rows[0].blobs}`);
  }
  if (maxRss) console.log(`extension host peak RSS over its whole life (getrusage): ${maxRss.toFixed(0)} MiB`);
  if (code !== 0) {
    console.log(`the copy suite failed in the extension host (exit ${code})`);
    process.exitCode = 1;
  }
}
