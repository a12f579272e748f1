// The ECR explorer in a real extension host, against moto. The repositories and images asserted
// on are created here through the SDK (moto's PutImage with a manifest), not taken from the seed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { activateExtension, nextSecond, screenshot, stack, waitFor } from './harness';
import { manifestFor } from '../../support/manifest';
import type { ExplorerTestApi as ExplorerApi, TreeSnapshotEntry } from '../../../src/vscode/testApi';

const REGISTRY_KEY = '123456789012/us-east-1';
const ALPHA = 'explorer-test/alpha';
const BETA = 'explorer-test/beta';


const find = (entries: TreeSnapshotEntry[] | undefined, label: string) => entries?.find((entry) => entry.label === label);

describe('ECR explorer', () => {
  let explorer: ExplorerApi;
  let client: ECRClient;

  before(async function () {
    const { ecrEndpoint } = stack();
    if (!ecrEndpoint) throw new Error('ECR_WB_ECR_ENDPOINT is not set in the extension host');
    const extension = await activateExtension();
    explorer = (extension.exports as unknown as { explorer?: ExplorerApi }).explorer!;
    assert.ok(explorer, 'activate() must return { explorer } (the ExplorerApi) for this suite');
    client = new ECRClient({
      region: 'us-east-1',
      endpoint: ecrEndpoint,
      credentials: { accessKeyId: 'AKIDEXPLORERTEST0000', secretAccessKey: 'explorer-test-not-a-secret' },
    });
    for (const repositoryName of [ALPHA, BETA]) {
      await client.send(new CreateRepositoryCommand({ repositoryName })).catch((error: Error) => {
        if (error.name !== 'RepositoryAlreadyExistsException') throw error;
      });
    }
    // moto records push times to the second: a pause makes "newest first" observable.
    await client.send(new PutImageCommand({ repositoryName: ALPHA, imageManifest: manifestFor('alpha-old'), imageTag: 'v1' }));
    await client.send(new PutImageCommand({ repositoryName: ALPHA, imageManifest: manifestFor('alpha-untagged') }));
    await nextSecond();
    await client.send(new PutImageCommand({ repositoryName: ALPHA, imageManifest: manifestFor('alpha-new'), imageTag: 'v2' }));
    await client.send(new PutImageCommand({ repositoryName: ALPHA, imageManifest: manifestFor('alpha-new'), imageTag: 'latest' }));
    await client.send(new PutImageCommand({ repositoryName: BETA, imageManifest: manifestFor('beta'), imageTag: '0.3.6' }));
    explorer.refresh();
  });

  it('shows the registry, its repositories, and images newest first with untagged ones grouped', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
    const tree = await waitFor('the seeded repositories in the tree', async () => {
      const snapshot = await explorer.treeSnapshot([ALPHA, BETA]);
      return find(find(snapshot, 'local')?.children, ALPHA)?.children?.length ? snapshot : undefined;
    });
    const registry = find(tree, 'local')!;
    assert.equal(registry.contextValue, 'registry');
    assert.match(registry.description ?? '', /^123456789012 · us-east-1 · \d+ repositor/);
    const alpha = find(registry.children, ALPHA)!;
    assert.equal(alpha.contextValue, 'repository noScanOnPush mutable');
    assert.deepEqual(
      alpha.children!.map((entry) => entry.label),
      ['v2, latest', 'v1', 'Untagged'],
      'one row per image (its tags together, versions before latest), newest push first, untagged images grouped last',
    );
    const latest = find(alpha.children, 'v2, latest')!;
    assert.equal(latest.contextValue, 'image tagged pullable');
    // The size ECR reports: the compressed layers (2,811,478 bytes in manifestFor), not the config.
    assert.match(latest.description ?? '', /^(just now|\d+ (minute|hour)s? ago) · 2\.8 MB compressed$/);
    assert.equal(find(alpha.children, 'Untagged')!.description, '1 image');
    assert.deepEqual(find(alpha.children, 'Untagged')!.children!.map((entry) => entry.contextValue), ['image untagged pullable']);
    assert.deepEqual(find(registry.children, BETA)!.children!.map((entry) => entry.label), ['0.3.6']);

    await explorer.reveal(REGISTRY_KEY, undefined, { expand: true });
    await explorer.reveal(REGISTRY_KEY, ALPHA, { expand: true });
    await explorer.reveal(REGISTRY_KEY, BETA, { expand: true, select: true, focus: true });
    await screenshot('explorer-tree');
  });

  it('lists what it has seen for completion, without an API call', () => {
    const alpha = explorer.knownImages().find((known) => known.repository === ALPHA);
    assert.ok(alpha, 'alpha is known');
    assert.deepEqual([...alpha.tags].sort(), ['latest', 'v1', 'v2']);
  });

  it('filters repositories and tags', async () => {
    explorer.setFilter('0.3.6');
    const snapshot = await explorer.treeSnapshot([BETA]);
    const registry = find(snapshot, 'local')!;
    const beta = find(registry.children, BETA);
    assert.ok(beta, 'beta stays: one of its loaded tags matches');
    assert.equal(find(registry.children, ALPHA), undefined, 'alpha goes: neither its name nor a tag matches');
    assert.deepEqual(beta.children!.map((entry) => entry.label), ['0.3.6']);
    await vscode.commands.executeCommand('ecr.clearFilter');
    assert.ok(find(find(await explorer.treeSnapshot(), 'local')!.children, ALPHA));
  });

  it('creates a repository from the palette command with pre-answered arguments, and shows it', async () => {
    const name = `explorer-test/created-${Date.now().toString(36)}`;
    const created = await vscode.commands.executeCommand<{ name: string; uri: string } | undefined>('ecr.createRepository', {
      registryKey: REGISTRY_KEY,
      name,
      tagMutability: 'IMMUTABLE',
      scanOnPush: true,
      encryption: 'AES256',
    });
    assert.equal(created?.name, name);
    await waitFor(`${name} in the tree`, async () => find(find(await explorer.treeSnapshot(), 'local')?.children, name));
    const described = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    assert.equal(described.repositories?.[0]?.imageTagMutability, 'IMMUTABLE');
    assert.equal(described.repositories?.[0]?.imageScanningConfiguration?.scanOnPush, true);
    await explorer.reveal(REGISTRY_KEY, name, { select: true, focus: true, expand: false });
    await screenshot('explorer-created-repository');
  });

  it('Refresh All in the view title lists a repository created elsewhere while a repository row has the focus', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
    await explorer.reveal(REGISTRY_KEY, BETA, { select: true, focus: true, expand: false });
    const name = `explorer-test/elsewhere-${Date.now().toString(36)}`;
    // Created by someone else (the SDK, not the extension): the tree does not know of it yet.
    await client.send(new CreateRepositoryCommand({ repositoryName: name }));
    assert.equal(find(find(await explorer.treeSnapshot(), 'local')?.children, name), undefined);
    // What the view title's button runs; VS Code passes it the focused row, which it does not narrow to.
    await vscode.commands.executeCommand('ecr.refreshView', await explorer.treeSnapshot().then((tree) => find(find(tree, 'local')?.children, BETA)));
    await waitFor(`${name} in the tree after Refresh All`, async () => find(find(await explorer.treeSnapshot(), 'local')?.children, name));
  });

  it('refuses a bad repository name before calling ECR', async () => {
    const before = (await client.send(new DescribeRepositoriesCommand({}))).repositories?.length;
    const created = await vscode.commands.executeCommand('ecr.createRepository', { registryKey: REGISTRY_KEY, name: 'Bad Name' });
    assert.equal(created, undefined);
    assert.equal((await client.send(new DescribeRepositoriesCommand({}))).repositories?.length, before);
  });
});
