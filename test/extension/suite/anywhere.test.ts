/**
 * The same extension wherever VS Code runs (issue 22). The harness is a browser-hosted VS Code
 * server: the extension host runs on the "remote" machine, as under Remote-SSH, WSL, Dev Containers
 * or Codespaces. Registries added, re-credited and removed through the UI must land where that
 * host reads them (the machine's settings), show as rows, and be there for the next window.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ExplorerApi } from '../../../src/vscode/explorer/api';
import { activateExtension, clickViewAction, fillQuickInput, machineSettings, modals, pickTyped, quickInput, quickPickShown, screenshot, typeKeys, visibleTreeRows, waitFor } from './harness';

const ACCOUNT = '210987654321';
const REGION = 'eu-west-1';
const LABEL = 'anywhere-registry';
const PROFILE = 'anywhere-ops';

type Entry = { region: string; accountId?: string; profile?: string; label?: string };
const machineRegistries = () => (machineSettings()['ecr.registries'] as Entry[] | undefined) ?? [];
const inputBoxShown = (what: string, title: string) =>
  waitFor(what, async () => {
    const state = await quickInput();
    return state.visible && (state.title ?? '').includes(title) ? state : undefined;
  });
const ours = (entries: Entry[]) => entries.find((entry) => entry.accountId === ACCOUNT && entry.region === REGION);

describe('Registries wherever the extension host runs', function () {
  this.timeout(120_000);
  let explorer: ExplorerApi;
  let original: unknown;
  const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE };
  let awsDir: string;

  before(async () => {
    const extension = await activateExtension();
    explorer = (extension.exports as unknown as { explorer: ExplorerApi }).explorer;
    original = vscode.workspace.getConfiguration('ecr').get('registries');
    // A profile of this machine's own AWS config for Select AWS Profile (never the user's ~/.aws).
    awsDir = mkdtempSync(path.join(tmpdir(), 'ecr-wb-anywhere-'));
    writeFileSync(path.join(awsDir, 'config'), `[profile ${PROFILE}]\nregion = ${REGION}\n`);
    writeFileSync(path.join(awsDir, 'credentials'), '');
    process.env.AWS_CONFIG_FILE = path.join(awsDir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(awsDir, 'credentials');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    modals().answerWith(undefined);
    for (const [key, value] of [['AWS_CONFIG_FILE', saved.config], ['AWS_SHARED_CREDENTIALS_FILE', saved.credentials]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(awsDir, { recursive: true, force: true });
    // Leave the registries as the harness wrote them, whatever happened above.
    if (JSON.stringify(vscode.workspace.getConfiguration('ecr').get('registries')) !== JSON.stringify(original)) {
      await vscode.workspace.getConfiguration('ecr').update('registries', original, vscode.ConfigurationTarget.Global);
    }
  });

  it('moves registries an earlier version kept in the user settings to the machine settings, losing none', async () => {
    // The harness writes ecr.registries to the browser-side user settings only, where versions before 0.2 kept it.
    const moved = await waitFor('"local" in the machine settings', () => machineRegistries().find((entry) => entry.label === 'local'));
    assert.deepEqual(moved, { region: 'us-east-1', accountId: '123456789012', label: 'local' });
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
    await waitFor('the row "local" in the view', async () => (await visibleTreeRows()).includes('local') || undefined);
  });

  it('"+" adds a registry: its row shows, and it is kept in the machine settings the next window reads', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
    await clickViewAction('Add Registry');
    await quickPickShown('the Add Registry picker', 'Add ECR Registry');
    await pickTyped('Paste a registry URI');
    await inputBoxShown('the registry URI box', 'registry URI');
    await typeKeys(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`, 'Enter');
    await quickPickShown('the credentials pick', `credentials for ${ACCOUNT}`);
    await pickTyped('Default credential chain');
    await inputBoxShown('the name box', 'name in the sidebar');
    await fillQuickInput(LABEL);

    await waitFor(`the row "${LABEL}" in the view`, async () => (await visibleTreeRows()).includes(LABEL) || undefined);
    await screenshot('anywhere-registry-added');
    const rows = await explorer.treeSnapshot();
    assert.ok(rows.some((row) => row.kind === 'registry' && row.label === LABEL), 'the registry is a row of the tree');
    // Where the next window's extension host reads it: this machine's settings, not the browser's.
    assert.deepEqual(ours(machineRegistries()), { region: REGION, accountId: ACCOUNT, label: LABEL });
  });

  it('Select AWS Profile re-credits the registry in the machine settings', async () => {
    const choice = vscode.commands.executeCommand('ecr.selectProfile', { registryKey: `${ACCOUNT}/${REGION}` });
    await quickPickShown('the profile pick', `Credentials for ${LABEL}`);
    await pickTyped(PROFILE);
    await choice;
    await waitFor('the profile in the machine settings', () => ours(machineRegistries())?.profile === PROFILE || undefined);
    await waitFor(`the row "${LABEL}" after the change`, async () => (await visibleTreeRows()).includes(LABEL) || undefined);
    assert.equal(vscode.workspace.getConfiguration('ecr').get<Entry[]>('registries')?.find((entry) => entry.accountId === ACCOUNT)?.profile, PROFILE);
  });

  it('Remove Registry takes the row away and the entry out of the machine settings', async () => {
    modals().answerWith((request) => (request.message.includes(LABEL) ? 'Remove from View' : undefined));
    assert.equal(await vscode.commands.executeCommand('ecr.removeRegistry', { registryKey: `${ACCOUNT}/${REGION}/${PROFILE}` }), true);
    await waitFor(`the row "${LABEL}" to go`, async () => !(await visibleTreeRows()).includes(LABEL) || undefined);
    await screenshot('anywhere-registry-removed');
    assert.equal(ours(machineRegistries()), undefined);
    assert.ok(machineRegistries().some((entry) => entry.label === 'local'), 'the other registries stay');
  });
});
