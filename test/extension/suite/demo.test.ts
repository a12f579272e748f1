/**
 * What a newcomer does in `npm run demo`, in the real extension host against the seeded stack:
 * run the demo workspace's own ecr-build task (tasks.json as the demo writes it, `RUN pip install`
 * included), see the pushed tag in the ECR view, and pull every seeded image by tag. The harness
 * seeds the stack (test/stack/seed.mjs) and writes the demo's files into the test workspace.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import sampleData from '../../stack/sample-data.json';
import { activateExtension, requireStack, screenshot, visibleTreeRows, waitFor } from './harness';

interface TreeRow {
  kind: string;
  label: string;
  description?: string;
  children?: TreeRow[];
}
interface ExplorerTestApi {
  refresh(registryKey?: string, repositoryName?: string): void;
  treeSnapshot(expandRepositories?: string[]): Promise<TreeRow[]>;
  reveal(registryKey: string, repositoryName?: string, options?: { expand?: boolean | number; select?: boolean; focus?: boolean }): Promise<void>;
}

const { label: TASK_LABEL, repository: REPOSITORY, tag: TAG } = sampleData.buildTask;
/** The harness's registry (settings: account 123456789012, us-east-1, label "local"). */
const REGISTRY_KEY = '123456789012/us-east-1';
const find = (rows: TreeRow[] | undefined, label: string) => rows?.find((row) => row.label === label);

describe('the demo, as a newcomer runs it', function () {
  this.timeout(240_000);
  let explorer: ExplorerTestApi;

  before(async function () {
    requireStack(this);
    explorer = ((await activateExtension()).exports as unknown as { explorer: ExplorerTestApi }).explorer;
  });

  it("runs the workspace's build task (RUN pip install included) and shows the pushed tag in the ECR view", async () => {
    const task = await waitFor(`the "${TASK_LABEL}" task from .vscode/tasks.json`, async () => (await vscode.tasks.fetchTasks({ type: 'ecr-build' })).find((candidate) => candidate.name === TASK_LABEL));
    assert.equal(task.definition.repository, REPOSITORY);
    let exitCode: number | undefined;
    const ended = vscode.tasks.onDidEndTaskProcess((event) => {
      if (event.execution.task.name === TASK_LABEL) exitCode = event.exitCode ?? -1;
    });
    try {
      await vscode.tasks.executeTask(task);
      await waitFor('the demo build task to finish', () => exitCode !== undefined, 180_000);
    } finally {
      ended.dispose();
    }
    assert.equal(exitCode, 0, 'the demo build task exits 0 (see the ECR log for its output)');

    // The task refreshes the repository when it is done; the row shows the tag with its size, pushed just now.
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
    const row = await waitFor(`"${TAG}" under ${REPOSITORY} in the ECR view`, async () => {
      const snapshot = await explorer.treeSnapshot([REPOSITORY]);
      return find(find(find(snapshot, 'local')?.children, REPOSITORY)?.children, TAG);
    });
    assert.equal(row.kind, 'image');
    assert.match(row.description ?? '', /MB/, `size in "${row.description}"`);
    assert.match(row.description ?? '', /just now|seconds? ago|minutes? ago/, `age in "${row.description}"`);
    await explorer.reveal(REGISTRY_KEY, REPOSITORY, { expand: true });
    await waitFor(`the "${TAG}" row on screen`, async () => (await visibleTreeRows()).includes(TAG));
    await screenshot('demo-pushed-tag');
  });

  it('pulls every seeded image by tag without an error', async () => {
    const failures: string[] = [];
    let pulled = 0;
    for (const repository of sampleData.repositories) {
      for (const tags of repository.images) {
        for (const tag of tags) {
          const outcome = await vscode.commands.executeCommand<{ status: string; message?: string } | undefined>('ecr.pullImage', { registryKey: REGISTRY_KEY, repository: repository.name, tag });
          if (outcome?.status !== 'succeeded') failures.push(`${repository.name}:${tag}: ${outcome?.status ?? 'no outcome'} ${outcome?.message ?? ''}`);
          else pulled++;
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.equal(pulled, sampleData.repositories.flatMap((repository) => repository.images.flat()).length);
  });
});
