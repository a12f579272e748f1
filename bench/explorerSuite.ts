/**
 * Loaded by the VS Code server as extensionTestsPath in bench/explorer.mjs. Inside the real
 * extension host, with the ECR view open, it lists a seeded registry the way a person does: expand
 * the registry (first page shown), click "Load more" until the listing ends, then the same for the
 * images of one repository; then ten registries side by side. It prints one line per listing with
 * the server's share (from the bench's paging front) and the host's memory around it.
 *
 * "Shown" means the view has asked for the node's children again and got them: after expanding or
 * loading a page, the suite awaits TreeView.reveal on the node, which VS Code resolves only once the
 * pending refresh of the view (the workbench calling getChildren) is done.
 *
 * The front records every ECR call with the wall-clock times it arrived and was answered
 * (performance.timeOrigin + now(), comparable across the two processes); the suite reads them
 * over HTTP from the bench (ECR_WB_BENCH_CONTROL) after each listing, never during one.
 */
import { createWriteStream } from 'node:fs';
import * as inspector from 'node:inspector';
import * as vscode from 'vscode';
import type { ExplorerTestApi as ExplorerApi } from '../src/vscode/testApi';
import { collectGarbage, idle, memoryLine } from './hostMemory';

const REGISTRY_KEY = '123456789012/us-east-1';

interface Call {
  operation: string;
  serverMs?: number;
  receivedAt?: number;
  sentAt?: number;
  region?: string;
}

const wallClock = () => performance.timeOrigin + performance.now();
const ms = (value: number) => value.toFixed(1);

/**
 * With ECR_WB_BENCH_PROFILE set, a CPU profile of `work` in the extension host, printed as the
 * functions with the most self time (where the extension's own time goes).
 */
async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!process.env.ECR_WB_BENCH_PROFILE) return work();
  const session = new inspector.Session();
  session.connect();
  const post = <R>(method: string, params?: object) =>
    new Promise<R>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as R))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await post<{ profile: inspector.Profiler.Profile }>('Profiler.stop');
    session.disconnect();
    const micros = (profile.endTime - profile.startTime) / Math.max(1, profile.samples?.length ?? 1);
    const self = new Map<string, number>();
    for (const node of profile.nodes) {
      const frame = node.callFrame;
      const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (node.hitCount ?? 0) * micros);
    }
    const total = [...self.values()].reduce((sum, value) => sum + value, 0);
    console.log(`[suite] profile ${label}: ${(total / 1000).toFixed(0)} ms sampled`);
    for (const [key, value] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`[suite] profile ${label}: ${(value / 1000).toFixed(1)} ms ${key}`);
  }
}

/** With ECR_WB_BENCH_HEAP_DIR set, a heap snapshot there (to compare runs when the heap grows). */
async function heapSnapshot(name: string): Promise<void> {
  const folder = process.env.ECR_WB_BENCH_HEAP_DIR;
  if (!folder) return;
  const file = createWriteStream(`${folder}/${name}.heapsnapshot`);
  const session = new inspector.Session();
  session.connect();
  session.on('HeapProfiler.addHeapSnapshotChunk', (message) => file.write(message.params.chunk));
  await new Promise<void>((resolve, reject) => session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, (error) => (error ? reject(error) : resolve())));
  session.disconnect();
  await new Promise((resolve) => file.end(resolve));
}

async function waitUntil(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The most calls in flight at once (by [receivedAt, sentAt]), overall and per region. */
function inFlight(calls: Call[]): { total: number; perRegion: number } {
  const sweep = (subset: Call[]) => {
    const events = subset.flatMap((call) => [
      [call.receivedAt ?? 0, 1],
      [call.sentAt ?? 0, -1],
    ]);
    // An answer sent at the instant another arrives is not overlap.
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let most = 0;
    for (const [, step] of events) most = Math.max(most, (now += step));
    return most;
  };
  const regions = [...new Set(calls.map((call) => call.region))];
  return { total: sweep(calls), perRegion: Math.max(0, ...regions.map((region) => sweep(calls.filter((call) => call.region === region)))) };
}

const operations = (calls: Call[]) =>
  Object.entries(calls.reduce<Record<string, number>>((counts, call) => ({ ...counts, [call.operation]: (counts[call.operation] ?? 0) + 1 }), {}))
    .map(([operation, count]) => `${operation}:${count}`)
    .join(',') || 'none';
const serverTime = (calls: Call[]) => calls.reduce((sum, call) => sum + (call.serverMs ?? 0), 0);

export async function run(): Promise<void> {
  const control = process.env.ECR_WB_BENCH_CONTROL;
  const imageRepository = process.env.ECR_WB_BENCH_IMAGE_REPOSITORY;
  const runs = Number(process.env.ECR_WB_BENCH_RUNS ?? 5);
  const expectedRepositories = Number(process.env.ECR_WB_BENCH_REPOSITORIES);
  const expectedImages = Number(process.env.ECR_WB_BENCH_IMAGES);
  const teamRegions = (process.env.ECR_WB_BENCH_TEAM_REGIONS ?? '').split(',').filter(Boolean);
  const teamRepositories = Number(process.env.ECR_WB_BENCH_TEAM_REPOSITORIES ?? 0);
  if (!control || !imageRepository) throw new Error('ECR_WB_BENCH_CONTROL / ECR_WB_BENCH_IMAGE_REPOSITORY not set: run bench/explorer.mjs');

  const extension = vscode.extensions.getExtension<{ explorer: ExplorerApi }>('ecr-workbench.ecr-workbench');
  if (!extension) throw new Error('extension not installed');
  const { explorer } = await extension.activate();

  const mark = async (): Promise<number> => ((await (await fetch(`${control}/mark`)).json()) as { index: number }).index;
  const callsSince = async (index: number): Promise<Call[]> => (await fetch(`${control}/since?from=${index}`)).json() as Promise<Call[]>;

  // The view must be visible: a hidden tree view defers getChildren until it is shown.
  await vscode.commands.executeCommand('workbench.view.extension.ecr');
  await vscode.commands.executeCommand('ecr.registries.focus');
  await explorer.reveal(REGISTRY_KEY, undefined, { expand: false });
  await collectGarbage();
  console.log(memoryLine('start (after GC)'));
  await heapSnapshot('start');

  /**
   * Expands the node (first page shown), then clicks "Load more" until there is none. Per page: the
   * time from the front sending the answer to the rows shown; for the first page and the whole
   * listing: total, server (sum of the front's serverMs) and own (total minus server).
   */
  const list = async (what: string, repositoryName: string | undefined, expected: number, count: () => Promise<number>, run: number) => {
    const from = await mark();
    const started = wallClock();
    await explorer.reveal(REGISTRY_KEY, repositoryName, { expand: true });
    const shownAt = [wallClock()];
    while (await explorer.loadMore(REGISTRY_KEY, repositoryName)) {
      await explorer.reveal(REGISTRY_KEY, repositoryName, { expand: true });
      shownAt.push(wallClock());
    }
    const calls = await callsSince(from);
    const listed = await count();
    // Each page's answer is the last call answered before its rows were shown.
    const afterResponse = shownAt.map((shown, page) => {
      const answered = calls.filter((call) => (call.sentAt ?? Infinity) <= shown && (page === 0 || (call.sentAt ?? 0) > shownAt[page - 1]));
      return shown - Math.max(...answered.map((call) => call.sentAt ?? 0));
    });
    const firstCalls = calls.filter((call) => (call.sentAt ?? Infinity) <= shownAt[0]);
    const first = shownAt[0] - started;
    const full = shownAt.at(-1)! - started;
    console.log(
      `[suite] ${what} run=${run} first=${ms(first)}ms firstServer=${ms(serverTime(firstCalls))}ms firstAfterResponse=${ms(afterResponse[0])}ms ` +
        `full=${ms(full)}ms fullServer=${ms(serverTime(calls))}ms pageAfterResponse=${afterResponse.map(ms).join('/')}ms pages=${shownAt.length} listed=${listed} calls=${operations(calls)}`,
    );
    if (listed !== expected) throw new Error(`${what}: listed ${listed} distinct, expected ${expected}`);
  };

  for (let run = 1; run <= runs; run++) {
    // Start each run from nothing listed and everything collapsed, as after a fresh Refresh.
    await vscode.commands.executeCommand('workbench.actions.treeView.ecr.registries.collapseAll');
    explorer.refresh();
    await explorer.reveal(REGISTRY_KEY, undefined, { expand: false });
    await idle();
    await collectGarbage();
    console.log(memoryLine(`before listing run=${run}`));
    if (run > 1) await heapSnapshot(`before-run-${run}`);

    // Counted from what the explorer has listed (no API call; the ten other registries stay unlisted).
    // Distinct names and tags (one per seeded image): a page listed twice must not pass for a full listing.
    await profiled(`repositories run=${run}`, () =>
      list('repositories', undefined, expectedRepositories, async () => new Set(explorer.knownImages().map((entry) => entry.repository)).size, run),
    );
    await list('images', imageRepository, expectedImages, async () => new Set(explorer.knownImages().find((entry) => entry.repository === imageRepository)?.tags).size, run);
    console.log(memoryLine(`after listing run=${run}`));
    await idle();
    await collectGarbage();
    console.log(memoryLine(`after listing and GC run=${run}`));
    await heapSnapshot(`after-run-${run}`);
  }

  // Collapsed for a while, the registry lets go of its listings (core/explorer/retention.ts).
  const collapsedAt = Date.now();
  await vscode.commands.executeCommand('workbench.actions.treeView.ecr.registries.collapseAll');
  try {
    await waitUntil('the collapsed registry to release its listings', () => explorer.knownImages().length === 0, 120_000);
    console.log(`[suite] released after collapse in ${((Date.now() - collapsedAt) / 1000).toFixed(0)} s`);
  } catch (error) {
    console.log(`[suite] not released after collapse: ${error instanceof Error ? error.message : String(error)}`);
  }
  await idle();
  await collectGarbage();
  console.log(memoryLine('after collapse and GC'));
  await heapSnapshot('after-collapse');

  if (teamRegions.length === 0) return;
  await teams(explorer, teamRegions, teamRepositories, mark, callsSince);
}

/** Ten registries side by side: every first page at once, then a few repositories of each expanded at once. */
async function teams(explorer: ExplorerApi, regions: string[], repositories: number, mark: () => Promise<number>, callsSince: (index: number) => Promise<Call[]>) {
  const keys = regions.map((region) => `123456789012/${region}`);
  if (keys.some((key) => !explorer.connection(key))) throw new Error(`ten registries: not all configured (${explorer.connections().map((c) => c.key).join(', ')})`);

  let from = await mark();
  let started = wallClock();
  const shown = await Promise.all(keys.map(async (key) => (await explorer.reveal(key, undefined, { expand: true }), wallClock() - started)));
  const all = wallClock() - started;
  let calls = await callsSince(from);
  const listedNames = (registryKey: string) => explorer.knownImages().filter((entry) => entry.registryHost.includes(`.${registryKey.split('/')[1]}.`)).map((entry) => entry.repository);
  const listed = keys.map((key) => listedNames(key).length);
  let flight = inFlight(calls);
  console.log(
    `[suite] teams firstPages registries=${keys.length} all=${ms(all)}ms fastest=${ms(Math.min(...shown))}ms slowest=${ms(Math.max(...shown))}ms ` +
      `server=${ms(serverTime(calls))}ms maxInFlightPerRegistry=${flight.perRegion} maxInFlightTotal=${flight.total} listed=${listed.join('/')} calls=${operations(calls)}`,
  );
  if (listed.some((count) => count !== Math.min(1000, repositories))) throw new Error(`ten registries: first pages listed ${listed.join('/')}`);

  // Six repositories of each registry listed at once (60 image listings), held to a few per
  // registry by the model's limiter. Through the model (treeSnapshot), not 60 concurrent
  // TreeView.reveal calls, which VS Code does not resolve reliably.
  const names = listedNames(keys[0]).sort().slice(0, 6);
  from = await mark();
  started = wallClock();
  await explorer.treeSnapshot(names);
  const expanded = wallClock() - started;
  calls = await callsSince(from);
  flight = inFlight(calls);
  console.log(
    `[suite] teams expand repositories=${keys.length * names.length} all=${ms(expanded)}ms server=${ms(serverTime(calls))}ms ` +
      `maxInFlightPerRegistry=${flight.perRegion} maxInFlightTotal=${flight.total} calls=${operations(calls)}`,
  );
}
