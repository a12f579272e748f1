// The explorer at scale, measured in the real extension host (VS Code server): against moto seeded
// with 5,000 repositories and 10,000 images in one of them, prints the time to the first page shown,
// the time to the full listing ("Load more" until the end), the ECR API calls made (at most the
// 1000-per-page minimum: 5 and 10), and the extension host's memory after listing.
//
// moto does not page, so the extension talks to it through an ECR front of the bench's own
// (test/stack/ecrFront.ts), which pages by maxResults/nextToken as ECR does and records every call.
//
// Run: node test/stack/stack.mjs up moto, export what it prints, then
//      node --import tsx bench/explorer.mjs [runs]        (npm run bench runs it with the stack)
// Resets moto (POST /moto-api/reset) before seeding: do not point it at a moto others are using.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { REPO, up, down } from '../test/stack/stack.mjs';
import { runExtensionSuite } from '../test/extension/server.mjs';
import { EcrFront } from '../test/stack/ecrFront.ts';
import { motoClient, createRepositories, putImages } from '../test/integration/ecr/fixtures.ts';
import { median } from './stats.mjs';

const RUNS = Number(process.argv[2] ?? 3);
const REPOSITORIES = 5000;
const IMAGES = 10000;
const IMAGE_REPOSITORY = 'bench/images';
const CONCURRENCY = 16;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// moto: the one the environment names (npm run bench starts the stack), else start it here.
let stack;
if (!process.env.ECR_WB_MOTO) stack = await up(['moto']);
// moto itself: seeded directly (fast), listed through the bench's own front.
const moto = process.env.ECR_WB_MOTO ?? stack.env.ECR_WB_MOTO;

let proxy;
let control;
try {
  if (spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'ignore' }).status !== 0) throw new Error('build failed');

  // ---- seed ---------------------------------------------------------------------------------
  const reset = await fetch(new URL('/moto-api/reset', moto), { method: 'POST' });
  if (!reset.ok) throw new Error(`moto reset failed: ${reset.status}`);
  const client = await motoClient(moto);
  let started = performance.now();
  // The image repository first: moto lists in creation order, so it is on the first page.
  const names = [IMAGE_REPOSITORY, ...Array.from({ length: REPOSITORIES - 1 }, (_, i) => `bench/repo-${String(i).padStart(4, '0')}`)];
  await createRepositories(client, names, CONCURRENCY);
  const seedRepositoriesMs = performance.now() - started;
  started = performance.now();
  await putImages(client, IMAGE_REPOSITORY, IMAGES, CONCURRENCY);
  const seedImagesMs = performance.now() - started;
  console.log(`seeding:               ${REPOSITORIES} CreateRepository in ${seconds(seedRepositoriesMs)}, ${IMAGES} PutImage in ${seconds(seedImagesMs)} (${CONCURRENCY} in flight, straight to moto)`);

  // ---- measure --------------------------------------------------------------------------------
  proxy = await EcrFront.start({ moto });
  // The suite asks here for the proxy's counts by operation, before and after each listing.
  control = http.createServer((request, response) => {
    const counts = {};
    for (const call of proxy.calls) counts[call.operation] = (counts[call.operation] ?? 0) + 1;
    response.setHeader('content-type', 'application/json');
    // /log: every call with its nextToken, for the suite to print when a listing comes out wrong.
    response.end(JSON.stringify(request.url === '/log' ? proxy.calls.map((call) => `${call.operation}(${call.nextToken ?? '-'})=${call.returned ?? '?'}`) : counts));
  });
  await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));

  const listings = { repositories: [], images: [] };
  const memory = [];
  let baseline;
  const { code } = await runExtensionSuite({
    stackEnv: {
      ECR_WB_ECR_ENDPOINT: proxy.url,
      ECR_WB_BENCH_CONTROL: `http://127.0.0.1:${control.address().port}`,
      ECR_WB_BENCH_IMAGE_REPOSITORY: IMAGE_REPOSITORY,
      ECR_WB_BENCH_RUNS: String(RUNS),
      ECR_WB_BENCH_REPOSITORIES: String(REPOSITORIES),
      ECR_WB_BENCH_IMAGES: String(IMAGES),
    },
    extensionPath: REPO,
    testsPath: path.join(REPO, 'dist', 'test', 'bench', 'explorer.js'),
    timeoutMs: 30 * 60_000,
    onLine: (line) => {
      const listing = line.match(/^(repositories|images) run=(\d+) first=([\d.]+)ms full=([\d.]+)ms loadMoreFetch=([\d.]+)ms pages=(\d+) listed=(\d+) calls=(\S+)/);
      if (listing) {
        const calls = Object.fromEntries(listing[8].split(',').filter((pair) => pair.includes(':')).map((pair) => pair.split(':')).map(([op, n]) => [op, Number(n)]));
        listings[listing[1]].push({ run: Number(listing[2]), first: Number(listing[3]), full: Number(listing[4]), fetch: Number(listing[5]), pages: Number(listing[6]), listed: Number(listing[7]), calls });
      }
      const mem = line.match(/^memory (before listing|after listing run=\d+): rss=([\d.]+) heapUsed=([\d.]+)/);
      if (mem) (mem[1] === 'before listing' ? (baseline = { rss: Number(mem[2]), heapUsed: Number(mem[3]) }) : memory.push({ rss: Number(mem[2]), heapUsed: Number(mem[3]) }));
    },
  });

  // moto's own cost: it builds the whole list on every call (the proxy then slices one page), so
  // each page of images costs moto the full 10,000; timed here straight to moto, not through the host.
  const { DescribeRepositoriesCommand, DescribeImagesCommand } = await import('@aws-sdk/client-ecr');
  const timeCall = async (command) => {
    const times = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await client.send(command);
      times.push(performance.now() - t0);
    }
    return median(times);
  };
  const motoRepositoriesMs = await timeCall(new DescribeRepositoriesCommand({ maxResults: 1000 }));
  const motoImagesMs = await timeCall(new DescribeImagesCommand({ repositoryName: IMAGE_REPOSITORY, maxResults: 1000 }));
  client.destroy();

  // ---- report ---------------------------------------------------------------------------------
  console.log('');
  console.log(`moto per call:         DescribeRepositories ${motoRepositoriesMs.toFixed(0)} ms, DescribeImages ${motoImagesMs.toFixed(0)} ms (median of 3, straight to moto, which answers the whole list every call; part of every page below)`);
  console.log(`extension:             development build (dist/extension.js of this checkout, extensionPath = repo), VS Code server + Chromium, ${RUNS} runs`);
  const report = (what, operation, total, minimum) => {
    const rows = listings[what];
    if (rows.length === 0) {
      console.log(`${what}: no figures reported`);
      process.exitCode = 1;
      return;
    }
    const [cold, ...warm] = rows;
    const warmOrAll = warm.length ? warm : rows;
    const callCounts = rows.map((row) => row.calls[operation] ?? 0);
    const others = [...new Set(rows.flatMap((row) => Object.keys(row.calls).filter((op) => op !== operation)))];
    console.log(`${what} (${total.toLocaleString('en-US')}):`);
    console.log(`  first page shown:    ${median(warmOrAll.map((row) => row.first)).toFixed(0)} ms median${warm.length ? ` of runs 2-${rows.length}` : ''} (cold, first run: ${cold.first.toFixed(0)} ms)`);
    console.log(`  full listing shown:  ${median(warmOrAll.map((row) => row.full)).toFixed(0)} ms median${warm.length ? ` of runs 2-${rows.length}` : ''} (cold: ${cold.full.toFixed(0)} ms; of which "Load more" fetches ${median(warmOrAll.map((row) => row.fetch)).toFixed(0)} ms), ${cold.pages} pages`);
    console.log(`  API calls:           ${operation} ${callCounts.join(' / ')} per listing (minimum at 1000 per page: ${minimum})${others.length ? `; other calls: ${others.join(', ')}` : ''}`);
    if (rows.some((row) => row.listed !== total) || callCounts.some((n) => n > minimum)) process.exitCode = 1;
  };
  report('repositories', 'DescribeRepositories', REPOSITORIES, Math.ceil(REPOSITORIES / 1000));
  report('images', 'DescribeImages', IMAGES, Math.ceil(IMAGES / 1000));
  if (memory.length) {
    console.log(`extension host memory: after listing 5,000 repositories + 10,000 images: rss ${median(memory.map((m) => m.rss)).toFixed(0)} MiB, heapUsed ${median(memory.map((m) => m.heapUsed)).toFixed(0)} MiB (medians over runs; before listing: rss ${baseline?.rss.toFixed(0)} MiB, heapUsed ${baseline?.heapUsed.toFixed(0)} MiB)`);
  }
  if (code !== 0) {
    console.log(`the bench suite failed in the extension host (exit ${code})`);
    process.exitCode = 1;
  }
} finally {
  control?.close();
  await proxy?.close();
  if (stack?.started.length) await down(stack.started);
}
// runExtensionSuite leaves its timeout timer (timeoutMs) pending: without this the process would
// linger for up to 30 minutes after printing.
process.exit();
