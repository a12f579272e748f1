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
import type { ExplorerTestApi as ExplorerApi } from '../../../src/vscode/testApi';
import { activateExtension, clickViewAction, fillQuickInput, frameShows, machineSettings, modals, pickTyped, quickInput, quickPickShown, requireStack, screenshot, transcripts, typeKeys, visibleTreeRows, waitFor } from './harness';

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
    // Registry rows only, so the new one is on screen whatever the suites before listed under "local".
    await vscode.commands.executeCommand('workbench.actions.treeView.ecr.registries.collapseAll');
    await waitFor('the registries collapsed', async () => (await visibleTreeRows()).includes('local') || undefined);
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
    await waitFor(`the row "${LABEL}" before the removal`, async () => (await visibleTreeRows()).includes(LABEL) || undefined);
    modals().answerWith((request) => (request.message.includes(LABEL) ? 'Remove from View' : undefined));
    assert.equal(await vscode.commands.executeCommand('ecr.removeRegistry', { registryKey: `${ACCOUNT}/${REGION}/${PROFILE}` }), true);
    await waitFor(`the row "${LABEL}" to go`, async () => !(await visibleTreeRows()).includes(LABEL) || undefined);
    await screenshot('anywhere-registry-removed');
    assert.equal(ours(machineRegistries()), undefined);
    assert.ok(machineRegistries().some((entry) => entry.label === 'local'), 'the other registries stay');
  });
});

describe('The ecr-build task tells what is wrong before anything runs', function () {
  this.timeout(180_000);
  let tasksFile: vscode.Uri;
  let original: Uint8Array | undefined;
  const folder = () => {
    const found = vscode.workspace.workspaceFolders?.[0];
    assert.ok(found, 'the test workspace folder is open');
    return found;
  };
  const taskFile = (tasks: object[]) => new TextEncoder().encode(JSON.stringify({ version: '2.0.0', tasks }, null, 2));
  /** Runs a task from tasks.json by label and resolves with its exit code. */
  async function runTask(label: string): Promise<number | undefined> {
    const task = await waitFor(`the "${label}" task from tasks.json`, async () => (await vscode.tasks.fetchTasks({ type: 'ecr-build' })).find((candidate) => candidate.name === label));
    let exitCode: number | undefined | null = null;
    const ended = vscode.tasks.onDidEndTaskProcess((event) => {
      if (event.execution.task.name === label) exitCode = event.exitCode;
    });
    try {
      await vscode.tasks.executeTask(task);
      await waitFor(`the "${label}" task to end`, () => exitCode !== null, 150_000);
    } finally {
      ended.dispose();
    }
    return exitCode ?? undefined;
  }

  before(async function () {
    requireStack(this);
    await activateExtension();
    tasksFile = vscode.Uri.joinPath(folder().uri, '.vscode', 'tasks.json');
    original = await vscode.workspace.fs.readFile(tasksFile).then(
      (bytes) => bytes,
      () => undefined,
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (original) await vscode.workspace.fs.writeFile(tasksFile, original);
  });

  it('tasks.json warns on a bad tag, and running it says why in the terminal, not "failed to launch"', async () => {
    const tasks = [{ type: 'ecr-build', label: 'Bad tag', dockerfile: 'Dockerfile', repository: 'churn-predictor', tags: ['bad tag!'], registry: 'local', network: 'none' }];
    await vscode.workspace.fs.writeFile(tasksFile, taskFile(tasks));
    await vscode.window.showTextDocument(tasksFile);
    // The task type's schema (package.json taskDefinitions) validates the tag where it is typed.
    const warning = await waitFor('a diagnostic on the bad tag in tasks.json', () =>
      vscode.languages.getDiagnostics(tasksFile).find((diagnostic) => /An image tag is 1-128 letters/.test(diagnostic.message)),
    );
    assert.equal(vscode.window.activeTextEditor?.document.getText(warning.range), '"bad tag!"');
    await screenshot('task-bad-tag-in-tasks-json');

    assert.equal(await runTask('Bad tag'), 1);
    const transcript = transcripts().at(-1);
    assert.match(transcript?.lines.join('\n') ?? '', /Invalid tag\(s\) "bad tag!" in the task: .*Nothing was built or pushed\./);
    // The terminal shows our message and VS Code adds nothing of its own about a launch.
    await waitFor('the task terminal to show why', () => frameShows('Invalid tag(s)'));
    await waitFor('the terminal to say the task ended', async () => (await frameShows('Terminal will be reused')) || (await frameShows('Press any key to close')) || undefined, 10_000).catch(() => undefined);
    await screenshot('task-bad-tag-terminal');
    assert.equal(await frameShows('failed to launch'), false, 'VS Code says "The terminal process failed to launch"');
  });

  it('a mistake the schema cannot see (secrets without BuildKit) is named in the terminal and on its property in tasks.json', async () => {
    const tasks = [{ type: 'ecr-build', label: 'Secrets classic', dockerfile: 'Dockerfile', repository: 'churn-predictor', registry: 'local', network: 'none', secrets: [{ id: 'pip', env: 'PIP_TOKEN' }] }];
    await vscode.workspace.fs.writeFile(tasksFile, taskFile(tasks));
    assert.equal(await runTask('Secrets classic'), 1);
    assert.match(transcripts().at(-1)?.lines.join('\n') ?? '', /The task's "secrets" need BuildKit: add "builder": "buildkit".*Nothing was built or pushed\./);
    const entry = await waitFor('the ecr-build problem on tasks.json', () =>
      vscode.languages.getDiagnostics(tasksFile).find((diagnostic) => diagnostic.source === 'ecr-build' && /"secrets" need BuildKit/.test(diagnostic.message)),
    );
    const document = await vscode.workspace.openTextDocument(tasksFile);
    assert.match(document.getText(entry.range), /^\[\s*\{\s*"id": "pip",\s*"env": "PIP_TOKEN"\s*\}\s*\]$/);
  });

  it('warns in the terminal and Problems before pushing a Dockerfile with errors, and refuses when told to', async () => {
    const dockerfile = 'lint-gate/Dockerfile';
    const uri = vscode.Uri.joinPath(folder().uri, dockerfile);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('FROM aqueducthq/function310:0.3.6\nCMD ["python", "main.py"]\n'));
    const base = { type: 'ecr-build', dockerfile, repository: 'lint-gate', tags: ['dev'], registry: 'local', network: 'none' };
    await vscode.workspace.fs.writeFile(tasksFile, taskFile([{ ...base, label: 'Refuse' , lintErrors: 'refuse' }, { ...base, label: 'Warn' }]));

    assert.equal(await runTask('Refuse'), 1);
    const refused = transcripts().at(-1)?.lines.join('\n') ?? '';
    assert.match(refused, /^lint-gate\/Dockerfile:2:\d+: error: AQ001 /m);
    assert.match(refused, /Not built or pushed: lint-gate\/Dockerfile has 1 error \(see Problems\)/);

    assert.equal(await runTask('Warn'), 0);
    const warned = transcripts().at(-1)?.lines.join('\n') ?? '';
    assert.match(warned, /^lint-gate\/Dockerfile:2:\d+: warning: AQ001 /m);
    assert.match(warned, /building and pushing anyway/);
    // The task's problem matcher lists the warning under the task in Problems too.
    const listed = await waitFor('the task\'s warning in Problems', () =>
      vscode.languages.getDiagnostics(uri).find((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Warning && /AQ001/.test(diagnostic.message)),
    );
    assert.equal(listed.range.start.line, 1);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('task-lint-errors-warned');
  });
});

describe("The demo's data models Aqueduct's rules", function () {
  this.timeout(120_000);
  type Check = { name: string; ok: boolean; status: string; detail: string };
  type Row = { kind: string; label: string; description?: string; children?: Row[] };
  let explorer: ExplorerApi;
  const find = (rows: Row[] | undefined, label: string) => rows?.find((row) => row.label === label);
  const checkImage = (repository: string, tag: string) =>
    vscode.commands.executeCommand<{ ok: boolean; checks: Check[] }>('ecr.checkImage', { registryKey: '123456789012/us-east-1', repository, tag });

  before(async function () {
    requireStack(this);
    explorer = ((await activateExtension()).exports as unknown as { explorer: ExplorerApi }).explorer;
    modals().answerWith(() => undefined);
  });

  after(() => modals().answerWith(undefined));

  it("README's example passes Check Image: a name image() can take, built on a base it recognises as Aqueduct's", async () => {
    const report = await checkImage('churn-predictor', '0.3.6');
    const byName = Object.fromEntries(report.checks.map((check) => [check.name, check]));
    assert.equal(byName['aqueduct-name'].status, 'pass', byName['aqueduct-name'].detail);
    assert.equal(byName.entrypoint.status, 'pass', byName.entrypoint.detail);
    assert.match(byName.entrypoint.detail, /Starts as aqueducthq\/function310 does/);
    assert.equal(report.ok, true);
  });

  it("Check Image's CMD check fires on an image pushed from a Dockerfile with CMD (the lint gate's warned build)", async function () {
    // Pushed by the lint gate's warned build above; run alone (grep), there is nothing to check.
    const listed = await explorer.treeSnapshot(['lint-gate']);
    if (!JSON.stringify(listed).includes('"lint-gate"')) this.skip();
    const report = await checkImage('lint-gate', 'dev');
    const entrypoint = report.checks.find((check) => check.name === 'entrypoint');
    assert.equal(entrypoint?.status, 'fail', entrypoint?.detail);
    assert.match(entrypoint?.detail ?? '', /CMD \["python",? "main\.py"\]/);
  });

  it('shows a seeded two-platform index with its platform images and a signature', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
    let seen: Row | undefined;
    const index = await waitFor('feature-store:1.2.0 as an index row', async () => {
      const rows = (await explorer.treeSnapshot(['feature-store'])) as Row[];
      seen = find(find(rows, 'local')?.children, 'feature-store');
      const row = find(seen?.children, '1.2.0');
      // Its platforms are read from the index manifest after the listing: wait for them.
      return row?.children?.length && /linux\/arm64/.test(row.description ?? '') ? row : undefined;
    }, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}; the repository shows ${JSON.stringify(seen)}`);
    });
    assert.match(index.description ?? '', /linux\/amd64/);
    assert.match(index.description ?? '', /linux\/arm64/);
    const children = index.children ?? [];
    assert.ok(children.some((child) => /-arm64$/.test(child.label)) && children.some((child) => /-amd64$/.test(child.label)), JSON.stringify(children));
    // The signature is labelled by its kind; cosign's tag for it (sha256-<hex>.sig) is in its description.
    assert.ok(children.some((child) => child.label === 'signature' && /^sha256-[0-9a-f]{64}\.sig · /.test(child.description ?? '')), `a signature under the index: ${JSON.stringify(children)}`);
    await explorer.reveal('123456789012/us-east-1', 'feature-store', { expand: 2 });
    await waitFor('the index row on screen', async () => (await visibleTreeRows()).includes('1.2.0') || undefined);
    await screenshot('demo-data-index-with-signature');
  });
});
