/**
 * Loaded by the VS Code server as extensionTestsPath in bench/copy.mjs. Inside the real extension
 * host it copies the bench's image and samples the host process's RSS every 10 ms during each copy:
 * - "command": the "Copy Image To…" command itself (ecr.copyImage, prompts answered by its options)
 *   to another repository of the same registry, which mounts the blobs, as the extension does;
 * - "streamed": the same core copy with the extension's registry clients but mounts off, so every
 *   byte passes through the extension host (what a copy to another registry, region or account costs).
 * One line per copy: [suite] host-copy kind=… run=… ms=… rssBefore=… rssPeak=… (MiB) blobs=…
 */
import * as vscode from 'vscode';
import type { ExplorerTestApi as ExplorerApi } from '../src/vscode/testApi';
import type { CopyImageOutcome } from '../src/vscode/explorer/copyImageCommand';
import { copyImage } from '../src/core/images/copy';
import { SecretRedactor } from '../src/core/log';
import { registryClientFor } from '../src/vscode/registryAccess';

const REGISTRY_KEY = '123456789012/us-east-1';
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function sampled<T>(work: () => PromiseLike<T>): Promise<{ result: T; ms: number; rssBefore: number; rssPeak: number }> {
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const timer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 10);
  const started = performance.now();
  try {
    const result = await work();
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    return { result, ms: performance.now() - started, rssBefore, rssPeak };
  } finally {
    clearInterval(timer);
  }
}

export async function run(): Promise<void> {
  const source = process.env.ECR_WB_BENCH_SOURCE;
  const runs = Number(process.env.ECR_WB_BENCH_RUNS ?? 3);
  if (!source) throw new Error('ECR_WB_BENCH_SOURCE not set: run bench/copy.mjs');
  const [repository, tag] = source.split(':');
  const extension = vscode.extensions.getExtension<{ explorer: ExplorerApi }>('ecr-workbench.ecr-workbench');
  if (!extension) throw new Error('extension not installed');
  const { explorer } = await extension.activate();
  const connection = explorer.connection(REGISTRY_KEY);
  if (!connection) throw new Error(`no registry ${REGISTRY_KEY}`);
  const line = (kind: string, index: number, figures: { ms: number; rssBefore: number; rssPeak: number }, blobs: unknown) =>
    console.log(`[suite] host-copy kind=${kind} run=${index} ms=${figures.ms.toFixed(0)} rssBefore=${mib(figures.rssBefore)} rssPeak=${mib(figures.rssPeak)} blobs=${JSON.stringify(blobs)}`);

  for (let index = 0; index < runs; index++) {
    const command = await sampled(() =>
      vscode.commands.executeCommand<CopyImageOutcome | undefined>('ecr.copyImage', { registryKey: REGISTRY_KEY, repository, tag }, { registryKey: REGISTRY_KEY, repository: `${repository}-host/command-${index}`, tag: '1' }),
    );
    if (command.result?.status !== 'copied') throw new Error(`ecr.copyImage did not copy: ${JSON.stringify(command.result)}`);
    line('command', index, command, command.result.result.blobs);

    const [from, to] = await Promise.all([registryClientFor(connection, new SecretRedactor()), registryClientFor(connection, new SecretRedactor())]);
    const streamed = await sampled(() => copyImage({ source: { client: from, repository, reference: tag }, target: { client: to, repository: `${repository}-host/streamed-${index}`, tags: ['1'] }, mount: false }));
    line('streamed', index, streamed, streamed.result.blobs);
  }
  console.log(`[suite] host-maxrss=${mib(process.resourceUsage().maxRSS * 1024)}`);
}
