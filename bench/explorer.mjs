// The explorer at scale, measured in the real extension host (VS Code server): against moto seeded
// with 5,000 repositories and 10,000 images in one of them, prints per listing (first page of
// repositories, first page of images, full listings) the server's time (the paging front's
// request-received-to-response-sent, summed over the listing's calls) apart from the extension's own
// (answer sent to rows shown, and total minus server), medians over the runs; the extension host's
// heap and rss before listing, after, after a forced GC, and after the registry is collapsed long
// enough to release its listings; then ten registries of 1,000 repositories side by side (time to
// all ten first pages, most calls in flight per registry as the front saw them).
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

const RUNS = Number(process.argv[2] ?? 5);
const REPOSITORIES = 5000;
const IMAGES = 10000;
const IMAGE_REPOSITORY = 'bench/images';
const CONCURRENCY = 16;
// Ten registries side by side: one region each (moto keeps a registry per region), 1,000 repositories each.
const TEAM_REGIONS = ['us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-northeast-1'];
const TEAM_REPOSITORIES = 1000;

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
  const client = await motoClient(moto);
  const { DescribeRepositoriesCommand, DescribeImagesCommand } = await import('@aws-sdk/client-ecr');
  // Seeding takes minutes on a loaded machine: a moto left seeded by the last run is used as it is
  // (moto answers every list whole, so one call each tells). ECR_WB_BENCH_RESEED=1 starts over.
  const seededAlready = async () => {
    const count = async (send) => send().then((n) => n, () => -1);
    if ((await count(async () => (await client.send(new DescribeRepositoriesCommand({}))).repositories.length)) !== REPOSITORIES) return false;
    if ((await count(async () => (await client.send(new DescribeImagesCommand({ repositoryName: IMAGE_REPOSITORY }))).imageDetails.length)) !== IMAGES) return false;
    for (const region of TEAM_REGIONS) {
      const regional = await motoClient(moto, { region });
      const n = await count(async () => (await regional.send(new DescribeRepositoriesCommand({}))).repositories.length);
      regional.destroy();
      if (n !== TEAM_REPOSITORIES) return false;
    }
    return true;
  };
  if (!process.env.ECR_WB_BENCH_RESEED && (await seededAlready())) console.log('seeding:               moto already holds the bench data (ECR_WB_BENCH_RESEED=1 to start over)');
  else await seed();
  async function seed() {
    const reset = await fetch(new URL('/moto-api/reset', moto), { method: 'POST' });
    if (!reset.ok) throw new Error(`moto reset failed: ${reset.status}`);
    let started = performance.now();
    // The image repository first: moto lists in creation order, so it is on the first page.
    const names = [IMAGE_REPOSITORY, ...Array.from({ length: REPOSITORIES - 1 }, (_, i) => `bench/repo-${String(i).padStart(4, '0')}`)];
    await createRepositories(client, names, CONCURRENCY);
    const seedRepositoriesMs = performance.now() - started;
    started = performance.now();
    await putImages(client, IMAGE_REPOSITORY, IMAGES, CONCURRENCY);
    const seedImagesMs = performance.now() - started;
    started = performance.now();
    await Promise.all(
      TEAM_REGIONS.map(async (region) => {
        const regional = await motoClient(moto, { region });
        await createRepositories(regional, Array.from({ length: TEAM_REPOSITORIES }, (_, i) => `team/repo-${String(i).padStart(4, '0')}`), 4);
        regional.destroy();
      }),
    );
    const seedTeamsMs = performance.now() - started;
    console.log(`seeding:               ${REPOSITORIES} CreateRepository in ${seconds(seedRepositoriesMs)}, ${IMAGES} PutImage in ${seconds(seedImagesMs)} (${CONCURRENCY} in flight), ${TEAM_REGIONS.length}x${TEAM_REPOSITORIES} CreateRepository in ${seconds(seedTeamsMs)}, straight to moto`);
  }

  // ---- measure --------------------------------------------------------------------------------
  proxy = await EcrFront.start({ moto });
  // The suite asks here where the front's call record stands before a listing (/mark), and for
  // the calls since then (/since?from=N: operation, serverMs, receivedAt, sentAt, region) after it.
  control = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://control');
    response.setHeader('content-type', 'application/json');
    if (url.pathname === '/mark') return response.end(JSON.stringify({ index: proxy.calls.length }));
    response.end(JSON.stringify(proxy.calls.slice(Number(url.searchParams.get('from') ?? 0))));
  });
  await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));

  /** Collects the suite's "[suite] …" lines: listings per run, memory by label, team figures, notes. */
  const collector = () => {
    const figures = { listings: { repositories: [], images: [] }, memory: {}, teams: {}, notes: [] };
    figures.onLine = (line) => {
      const fields = Object.fromEntries([...line.matchAll(/(\w+)=(\S+)/g)].map(([, key, value]) => [key, value]));
      const number = (key) => Number.parseFloat(fields[key]);
      const listing = line.match(/^(repositories|images) run=/);
      if (listing) {
        figures.listings[listing[1]].push({
          first: number('first'),
          firstServer: number('firstServer') || 0,
          firstAfterResponse: number('firstAfterResponse'),
          full: number('full'),
          fullServer: number('fullServer') || 0,
          pageAfterResponse: fields.pageAfterResponse.replace(/ms$/, '').split('/').map(Number),
          pages: number('pages'),
          listed: number('listed'),
          calls: fields.calls,
        });
      }
      const mem = line.match(/^memory (.+?)(?: run=(\d+))?: rss=([\d.]+) heapUsed=([\d.]+)/);
      if (mem) (figures.memory[mem[1]] ??= []).push({ rss: Number(mem[3]), heapUsed: Number(mem[4]) });
      const team = line.match(/^teams (firstPages|expand) /);
      if (team) figures.teams[team[1]] = fields;
      if (/^(released|not released)/.test(line)) figures.notes.push(line);
    };
    return figures;
  };
  const ours = collector();
  const { listings, memory, teams, notes } = ours;
  const { code } = await runExtensionSuite({
    stackEnv: {
      ECR_WB_ECR_ENDPOINT: proxy.url,
      ECR_WB_BENCH_CONTROL: `http://127.0.0.1:${control.address().port}`,
      ECR_WB_BENCH_IMAGE_REPOSITORY: IMAGE_REPOSITORY,
      ECR_WB_BENCH_RUNS: String(RUNS),
      ECR_WB_BENCH_REPOSITORIES: String(REPOSITORIES),
      ECR_WB_BENCH_IMAGES: String(IMAGES),
      ECR_WB_BENCH_TEAM_REGIONS: TEAM_REGIONS.join(','),
      // Configured from the start (settings the extension host cannot rewrite: machine scope wins), listed only when the suite expands them.
      ECR_WB_EXTRA_REGISTRIES: JSON.stringify(TEAM_REGIONS.map((region, index) => ({ region, accountId: '123456789012', label: `team-${index + 1}` }))),
      ECR_WB_BENCH_TEAM_REPOSITORIES: String(TEAM_REPOSITORIES),
    },
    extensionPath: REPO,
    testsPath: path.join(REPO, 'dist', 'test', 'bench', 'explorer.js'),
    timeoutMs: 40 * 60_000,
    onLine: ours.onLine,
  });

  // The peer: the same listings through a tree that only hands VS Code ready rows (bench/peerTree),
  // in a fresh VS Code server and browser. Its "own" is VS Code's cost alone: the floor under ours.
  const peer = collector();
  const { code: peerCode } = await runExtensionSuite({
    stackEnv: { ECR_WB_BENCH_RUNS: String(RUNS), ECR_WB_BENCH_REPOSITORIES: String(REPOSITORIES), ECR_WB_BENCH_IMAGES: String(IMAGES) },
    extensionPath: path.join(REPO, 'bench', 'peerTree'),
    testsPath: path.join(REPO, 'bench', 'peerTree', 'dist', 'suite.js'),
    timeoutMs: 20 * 60_000,
    onLine: peer.onLine,
  });

  // moto's own cost: it builds the whole list on every call (the proxy then slices one page), so
  // each page of images costs moto the full 10,000; timed here straight to moto, not through the host.
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
  const f0 = (value) => value.toFixed(0);
  const f1 = (value) => value.toFixed(1);
  const met = (ok) => (ok ? 'met' : 'NOT met');
  const report = (what, operation, total, minimum) => {
    const rows = listings[what];
    if (rows.length === 0) {
      console.log(`${what}: no figures reported`);
      process.exitCode = 1;
      return undefined;
    }
    const perThousand = (ms) => ms / (Math.min(total, 1000) / 1000);
    const firstOwn = median(rows.map((row) => row.first - row.firstServer));
    const firstAfterResponse = median(rows.map((row) => row.firstAfterResponse));
    const fullServer = median(rows.map((row) => row.fullServer));
    const fullOwn = median(rows.map((row) => row.full - row.fullServer));
    const share = median(rows.map((row) => (row.full - row.fullServer) / row.fullServer));
    const pageAfterResponse = median(rows.flatMap((row) => row.pageAfterResponse));
    console.log(`${what} (${total.toLocaleString('en-US')}), medians of ${rows.length} runs (first run included):`);
    console.log(`  first page:          ${f0(median(rows.map((row) => row.first)))} ms shown = server ${f0(median(rows.map((row) => row.firstServer)))} ms + own ${f1(firstOwn)} ms; answer sent -> rows shown ${f1(firstAfterResponse)} ms (target <= 30 ms per 1,000-item page: ${met(perThousand(firstAfterResponse) <= 30)})`);
    console.log(`  full listing:        ${f0(median(rows.map((row) => row.full)))} ms shown = server ${f0(fullServer)} ms + own ${f0(fullOwn)} ms; own/server ${(share * 100).toFixed(1)} % (target <= 10 %: ${met(share <= 0.1)}); answer -> rows per page ${f1(pageAfterResponse)} ms, ${rows[0].pages} pages`);
    const peerRows = peer.listings[what];
    if (peerRows.length) {
      const peerFirst = median(peerRows.map((row) => row.firstAfterResponse));
      const peerFull = median(peerRows.map((row) => row.full));
      const peerPage = median(peerRows.flatMap((row) => row.pageAfterResponse));
      console.log(
        `  peer (bare tree):    answer ready -> rows shown ${f1(peerFirst)} ms first page, ${f1(peerPage)} ms per page; full listing ${f0(peerFull)} ms, ${peerRows[0].pages} pages` +
          ` | ours/peer: first page ${(firstAfterResponse / peerFirst).toFixed(2)}x, full listing own ${(fullOwn / peerFull).toFixed(2)}x`,
      );
    } else console.log('  peer (bare tree):    no figures reported');
    console.log(`  API calls:           ${rows.map((row) => row.calls).join(' / ')} per listing (minimum at 1000 per page: ${operation} ${minimum})`);
    const counted = rows.map((row) => Number(new RegExp(`${operation}:(\\d+)`).exec(row.calls)?.[1] ?? 0));
    if (rows.some((row) => row.listed !== total) || counted.some((n) => n > minimum)) process.exitCode = 1;
    return { firstAfterResponse, share };
  };
  report('repositories', 'DescribeRepositories', REPOSITORIES, Math.ceil(REPOSITORIES / 1000));
  report('images', 'DescribeImages', IMAGES, Math.ceil(IMAGES / 1000));

  const start = memory['start (after GC)']?.[0];
  const at = (label, key) => (memory[label]?.length ? median(memory[label].map((m) => m[key])) : NaN);
  if (start) {
    const line = (label, what) => `rss ${f0(at(label, 'rss'))} MiB, heapUsed ${f0(at(label, 'heapUsed'))} MiB (${what})`;
    console.log(`extension host memory, ${REPOSITORIES.toLocaleString('en-US')} repositories + ${IMAGES.toLocaleString('en-US')} images listed (medians over runs):`);
    console.log(`  start, after GC:     rss ${f0(start.rss)} MiB, heapUsed ${f0(start.heapUsed)} MiB`);
    console.log(`  before listing:      ${line('before listing', 'after Refresh and GC')}`);
    console.log(`  after listing:       ${line('after listing', 'no GC')}`);
    const afterGc = memory['after listing and GC'].map((m) => m.heapUsed);
    const before = memory['before listing'].map((m) => m.heapUsed);
    const firstGrowth = afterGc[0] - start.heapUsed;
    const runGrowth = median(afterGc.map((heap, run) => heap - before[run]));
    // Every run after the first starts from the last one's leftovers (see README: VS Code keeps a disposed store per tree row it ever made).
    console.log(`  after listing + GC:  ${line('after listing and GC', `first run: heap +${f1(firstGrowth)} MiB over start, target <= 40 MiB: ${met(firstGrowth <= 40)}; each run over its own start: +${f1(runGrowth)} MiB median`)}`);
    const collapsed = at('after collapse and GC', 'heapUsed');
    console.log(`  after collapse + GC: ${line('after collapse and GC', `${f1(collapsed - start.heapUsed)} MiB over start; target within 10 MiB: ${met(Math.abs(collapsed - start.heapUsed) <= 10)}`)}`);
    for (const note of notes) console.log(`  ${note}`);
    const peerStart = peer.memory['start (after GC)']?.[0];
    if (peerStart) {
      const peerAt = (label) => median(peer.memory[label].map((m) => m.heapUsed));
      const peerListed = peer.memory['after listing and GC'][0].heapUsed - peerStart.heapUsed;
      const peerRun = median(peer.memory['after listing and GC'].map((m, run) => m.heapUsed - peer.memory['before listing'][run].heapUsed));
      console.log(
        `  peer (bare tree):    start heapUsed ${f0(peerStart.heapUsed)} MiB; first run listed + GC +${f1(peerListed)} MiB, each run over its own start +${f1(peerRun)} MiB; ` +
          `rows forgotten + GC ${f1(peerAt('after collapse and GC') - peerStart.heapUsed)} MiB over start (VS Code's own share of the figures above)`,
      );
    } else console.log('  peer (bare tree):    no memory figures reported');
  } else {
    console.log('extension host memory: no figures reported');
    process.exitCode = 1;
  }
  if (teams.firstPages) {
    const t = teams.firstPages;
    console.log(`${TEAM_REGIONS.length} registries side by side, ${TEAM_REPOSITORIES.toLocaleString('en-US')} repositories each (one run):`);
    console.log(`  all first pages shown: ${t.all} (fastest registry ${t.fastest}, slowest ${t.slowest}); server ${t.server} summed; most in flight per registry ${t.maxInFlightPerRegistry}, overall ${t.maxInFlightTotal}; ${t.calls}`);
  }
  if (teams.expand) {
    const t = teams.expand;
    console.log(`  ${t.repositories} repositories expanded at once: ${t.all}; most in flight per registry ${t.maxInFlightPerRegistry} (limit 3), overall ${t.maxInFlightTotal}; ${t.calls}`);
    if (Number(t.maxInFlightPerRegistry) > 3) process.exitCode = 1;
  }
  if (peerCode !== 0) {
    console.log(`the peer suite failed in the extension host (exit ${peerCode})`);
    process.exitCode = 1;
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
