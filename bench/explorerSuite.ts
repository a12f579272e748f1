/**
 * Loaded by the VS Code server as extensionTestsPath in bench/explorer.mjs. Inside the real
 * extension host, with the ECR view open, it lists a seeded registry the way a person does: expand
 * the registry (first page shown), click "Load more" until the listing ends, then the same for the
 * images of one repository; and prints one line per listing plus the host's memory afterwards.
 *
 * "Shown" means the view has asked for the node's children again and got them: after expanding or
 * loading a page, the suite awaits TreeView.reveal on the node, which VS Code resolves only once the
 * pending refresh of the view (the workbench calling getChildren) is done.
 *
 * API calls are counted by the bench's paging proxy; the suite reads the counts over HTTP from the
 * bench (ECR_WB_BENCH_CONTROL) before and after each listing, so each line carries its own calls.
 */
import * as vscode from 'vscode';
import type { ExplorerApi } from '../src/vscode/explorer/api';

const REGISTRY_KEY = '123456789012/us-east-1';

type Counts = Record<string, number>;

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function memoryLine(label: string): string {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return `[suite] memory ${label}: rss=${mib(rss)} heapUsed=${mib(heapUsed)} heapTotal=${mib(heapTotal)} external=${mib(external)} (MiB)`;
}

export async function run(): Promise<void> {
  const control = process.env.ECR_WB_BENCH_CONTROL;
  const imageRepository = process.env.ECR_WB_BENCH_IMAGE_REPOSITORY;
  const runs = Number(process.env.ECR_WB_BENCH_RUNS ?? 3);
  const expectedRepositories = Number(process.env.ECR_WB_BENCH_REPOSITORIES);
  const expectedImages = Number(process.env.ECR_WB_BENCH_IMAGES);
  if (!control || !imageRepository) throw new Error('ECR_WB_BENCH_CONTROL / ECR_WB_BENCH_IMAGE_REPOSITORY not set: run bench/explorer.mjs');

  const extension = vscode.extensions.getExtension<{ explorer: ExplorerApi }>('ecr-workbench.ecr-workbench');
  if (!extension) throw new Error('extension not installed');
  const { explorer } = await extension.activate();

  const counts = async (): Promise<Counts> => (await fetch(`${control}/calls`)).json() as Promise<Counts>;
  const callsSince = (before: Counts, after: Counts) =>
    Object.keys(after)
      .filter((operation) => after[operation] !== (before[operation] ?? 0))
      .map((operation) => `${operation}:${after[operation] - (before[operation] ?? 0)}`)
      .join(',') || 'none';

  // The view must be visible: a hidden tree view defers getChildren until it is shown.
  await vscode.commands.executeCommand('workbench.view.extension.ecr');
  await vscode.commands.executeCommand('ecr.registries.focus');
  await explorer.reveal(REGISTRY_KEY, undefined, { expand: false });
  console.log(memoryLine('before listing'));

  /** Expands the node (first page shown), then clicks "Load more" until there is none; times both. */
  const list = async (what: string, repositoryName: string | undefined, expected: number, count: () => Promise<number>, run: number) => {
    const before = await counts();
    const started = performance.now();
    await explorer.reveal(REGISTRY_KEY, repositoryName, { expand: true });
    const firstPage = performance.now() - started;
    let pages = 1;
    let fetching = 0;
    for (;;) {
      const clicked = performance.now();
      if (!(await explorer.loadMore(REGISTRY_KEY, repositoryName))) break;
      fetching += performance.now() - clicked;
      pages++;
      await explorer.reveal(REGISTRY_KEY, repositoryName, { expand: true });
    }
    const full = performance.now() - started;
    const after = await counts();
    const listed = await count();
    console.log(
      `[suite] ${what} run=${run} first=${firstPage.toFixed(1)}ms full=${full.toFixed(1)}ms loadMoreFetch=${fetching.toFixed(1)}ms pages=${pages} listed=${listed} calls=${callsSince(before, after)}`,
    );
    if (listed !== expected) {
      console.log(`[suite] calls log: ${await (await fetch(`${control}/log`)).text()}`);
      throw new Error(`${what}: listed ${listed} distinct, expected ${expected}`);
    }
  };

  for (let run = 1; run <= runs; run++) {
    // Start each run from nothing listed and everything collapsed, as after a fresh Refresh.
    await vscode.commands.executeCommand('workbench.actions.treeView.ecr.registries.collapseAll');
    explorer.refresh();
    await explorer.reveal(REGISTRY_KEY, undefined, { expand: false });

    await list('repositories', undefined, expectedRepositories, async () => {
      const registry = (await explorer.treeSnapshot())[0];
      // Distinct names: a page listed twice must not pass for a full listing.
      return new Set(registry?.children?.filter((entry) => entry.kind === 'repository').map((entry) => entry.label)).size;
    }, run);
    await list('images', imageRepository, expectedImages, async () => {
      const registry = (await explorer.treeSnapshot([imageRepository]))[0];
      const repository = registry?.children?.find((entry) => entry.kind === 'repository' && entry.label === imageRepository);
      return new Set(repository?.children?.filter((entry) => entry.kind === 'image').map((entry) => entry.label)).size;
    }, run);
    console.log(memoryLine(`after listing run=${run}`));
  }
}
