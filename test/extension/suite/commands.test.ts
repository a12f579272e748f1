// Commands as a person runs them from the workbench's own UI, with what VS Code passes from there.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { activateExtension, clickViewAction, quickInput, quickPickShown, screenshot, stack, waitFor } from './harness';
import { manifestFor } from '../../support/manifest';
import type { ExplorerTestApi as ExplorerApi, TreeSnapshotEntry } from '../../../src/vscode/testApi';

const REGISTRY_KEY = '123456789012/us-east-1';
const REPOSITORY = 'commands-test/plus';

const find = (entries: TreeSnapshotEntry[] | undefined, label: string) => entries?.find((entry) => entry.label === label);
const registriesSetting = () => JSON.stringify(vscode.workspace.getConfiguration('ecr').inspect('registries'));

describe('Commands from the view title', () => {
  let explorer: ExplorerApi;

  before(async () => {
    const { ecrEndpoint } = stack();
    if (!ecrEndpoint) throw new Error('ECR_WB_ECR_ENDPOINT is not set in the extension host');
    const extension = await activateExtension();
    explorer = (extension.exports as unknown as { explorer: ExplorerApi }).explorer;
    const client = new ECRClient({
      region: 'us-east-1',
      endpoint: ecrEndpoint,
      credentials: { accessKeyId: 'AKIDCOMMANDSTEST0000', secretAccessKey: 'commands-test-not-a-secret' },
    });
    await client.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY })).catch((error: Error) => {
      if (error.name !== 'RepositoryAlreadyExistsException') throw error;
    });
    await client.send(new PutImageCommand({ repositoryName: REPOSITORY, imageManifest: manifestFor('commands-plus'), imageTag: 'latest' })).catch((error: Error) => {
      // moto keeps state between runs on a developer's machine.
      if (error.name !== 'ImageAlreadyExistsException') throw error;
    });
    explorer.refresh();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('"+" (Add Registry…) with an image row focused opens the registry picker and leaves ecr.registries unchanged', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
    await waitFor(`${REPOSITORY}:latest in the tree`, async () => find(find(find(await explorer.treeSnapshot([REPOSITORY]), 'local')?.children, REPOSITORY)?.children, 'latest'));
    await explorer.reveal(REGISTRY_KEY, REPOSITORY, { expand: true, select: true, focus: true });
    // From the repository row down to its first image row ("latest"), as the arrow key and Enter do.
    await vscode.commands.executeCommand('list.focusDown');
    await vscode.commands.executeCommand('list.select');
    const before = registriesSetting();

    await clickViewAction('Add Registry');

    const picker = await quickPickShown('the Add Registry picker to open after clicking "+"', 'Add ECR Registry', 10_000);
    assert.equal(picker.title, 'Add ECR Registry');
    await screenshot('add-registry-picker-with-row-focused');
    assert.equal(registriesSetting(), before, 'ecr.registries must not change: the focused row is not a registry');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await waitFor('the picker to close', async () => !(await quickInput()).visible, 10_000);
    assert.equal(registriesSetting(), before, 'closing the picker adds nothing either');
  });
});
