/**
 * Issue 16, "it works" to "it feels right", in a real extension host against the demo's sample
 * data: one row per image, build errors without colour codes, tasks that never ask for a problem
 * matcher, Check Image failing where Aqueduct would, a taken name refused at the name step, no
 * lifecycle marks after Apply, rendered scan findings and the Dockerfile wizard's steps.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { activateExtension, EXTENSION_ID, frameShows, modals, nextSecond, notificationShown, quickInput, quickPickShown, requireStack, screenshot, stack, transcripts, typeKeys, visibleTreeRows, waitFor } from './harness';
import { manifestFor } from '../../support/manifest';
import { pushImage, registryClientOf, untilListed } from './imageFixtures';
import type { ExplorerTestApi as ExplorerApi, TreeSnapshotEntry } from '../../../src/vscode/testApi';

const REGISTRY_KEY = '123456789012/us-east-1';
/** Seeded by test/stack/sample-data.json: "0.3.6" and "latest" are one image, then "0.3.5", then one untagged. */
const DEMO_REPOSITORY = 'churn-predictor';
const run = randomBytes(3).toString('hex');


const lastModal = (what: string) => {
  const shown = modals().shown().at(-1);
  assert.ok(shown, `${what} was asked`);
  return shown;
};

const find = (entries: TreeSnapshotEntry[] | undefined, label: string) => entries?.find((entry) => entry.label === label);

async function writeFile(relative: string, content: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  const uri = vscode.Uri.joinPath(folder.uri, relative);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
  return uri;
}

describe('Everyday flows: tree, Check Image, Create Repository, lifecycle, tasks, scans, the palette', function () {
  this.timeout(180_000);
  let explorer: ExplorerApi;
  let client: ECRClient;

  before(async function () {
    requireStack(this);
    explorer = ((await activateExtension()).exports as unknown as { explorer: ExplorerApi }).explorer;
    client = new ECRClient({
      region: 'us-east-1',
      endpoint: stack().ecrEndpoint,
      credentials: { accessKeyId: 'AKIDPOLISHTEST000000', secretAccessKey: 'polish-test-not-a-secret' },
    });
    explorer.refresh();
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
  });

  beforeEach(() => modals().answerWith(() => undefined));
  afterEach(async () => {
    modals().answerWith(undefined);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  describe('the tree', () => {
    it('shows the tags of one digest as one image row, and as many images as Delete Repository counts', async () => {
      const snapshot = await explorer.treeSnapshot([DEMO_REPOSITORY]);
      const registry = find(snapshot, 'local');
      const names = (registry?.children ?? []).filter((entry) => entry.kind === 'repository').map((entry) => entry.label);
      assert.deepEqual(names, [...names].sort(), 'repositories by name');
      const rows = find(registry?.children, DEMO_REPOSITORY)?.children ?? [];
      const labels = rows.map((row) => row.label);
      assert.ok(labels.includes('0.3.6, latest'), `one row for 0.3.6 and latest: ${labels.join(' | ')}`);
      assert.ok(!labels.includes('latest') && !labels.includes('0.3.6'), 'no separate row per tag');
      const untagged = rows.find((row) => row.kind === 'untagged');
      const shownImages = rows.filter((row) => row.kind === 'image').length + Number(/^(\d+)/.exec(untagged?.description ?? '0')?.[1] ?? 0);

      const deleted = await vscode.commands.executeCommand('ecr.deleteRepository', await explorer.repositoryNode(REGISTRY_KEY, DEMO_REPOSITORY));
      const modal = lastModal('the Delete Repository modal');
      assert.match(modal.message, new RegExp(`and its ${shownImages} images\\?`), `the modal counts what the tree shows (${shownImages}): ${modal.message}`);
      assert.equal(deleted, false, 'cancelled: nothing deleted');

      await explorer.reveal(REGISTRY_KEY, DEMO_REPOSITORY, { expand: true, select: true, focus: true });
      await waitFor('the "0.3.6, latest" row on screen', async () => (await visibleTreeRows()).includes('0.3.6, latest'));
      await screenshot('polish-tree-one-row-per-image');
    });

    it('offers the repository setting that changes something: "Turn Scan on Push Off" where it is on', async () => {
      const snapshot = await explorer.treeSnapshot();
      const repositories = find(snapshot, 'local')?.children ?? [];
      assert.match(find(repositories, 'zenml/step-runner')?.contextValue ?? '', /\brepository\b.*\bscanOnPush\b.*\bimmutable\b/);
      assert.match(find(repositories, DEMO_REPOSITORY)?.contextValue ?? '', /\bnoScanOnPush\b.*\bmutable\b/);
      const menu = (vscode.extensions.getExtension('ecr-workbench.ecr-workbench')?.packageJSON as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } })
        .contributes.menus['ecr.repositorySettings'];
      const offered = (contextValue: string) =>
        menu.filter((entry) => !entry.when || new RegExp(/\/(.*)\//.exec(entry.when)![1]).test(contextValue)).map((entry) => entry.command);
      assert.deepEqual(offered(find(repositories, 'zenml/step-runner')!.contextValue!), ['ecr.turnScanOnPushOff', 'ecr.editTagMutability', 'ecr.viewRepositoryPolicy']);
      assert.deepEqual(offered(find(repositories, DEMO_REPOSITORY)!.contextValue!), ['ecr.turnScanOnPushOn', 'ecr.editTagMutability', 'ecr.viewRepositoryPolicy']);
    });
  });

  describe('Check Image and Copy As agree', () => {
    it('fails Check Image where Aqueduct\'s image() would (a single "/"), saying the fix, as Copy As does', async () => {
      // The demo's Aqueduct repositories have names image() can take; "ml/llm-serving" (another tool's) has a single "/".
      const FAILING = 'ml/llm-serving';
      const target = { registryKey: REGISTRY_KEY, repository: FAILING, tag: 'cuda1180-py310' };
      const report = await vscode.commands.executeCommand<{ ok: boolean; checks: Array<{ name: string; ok: boolean; detail: string; fix?: string }> }>('ecr.checkImage', target);
      assert.equal(report.ok, false);
      // The pre-flight's checks (built on the labelled stand-in base: its start and base are checked), then image()'s name.
      assert.deepEqual(report.checks.map((check) => [check.name, check.ok]), [['exists', true], ['manifest', true], ['platform', true], ['entrypoint', true], ['base-version', true], ['aqueduct-name', false]]);
      const named = report.checks.find((check) => check.name === 'aqueduct-name');
      assert.match(named?.detail ?? '', /would look up "llm-serving:cuda1180-py310"/);
      assert.match(named?.fix ?? '', /Push the image to a repository without "\/".*"ml-llm-serving"/);
      const modal = lastModal('the failed check as a modal');
      assert.equal(modal.message, `${FAILING}:cuda1180-py310 fails Aqueduct's image check`);
      assert.match(modal.detail ?? '', /ml-llm-serving/);
      assert.match(explorer.viewMessage() ?? '', /fails Aqueduct's image check/);
      await explorer.reveal(REGISTRY_KEY, FAILING, { expand: true });
      await screenshot('polish-check-image-fails-like-aqueduct');

      const pick = vscode.commands.executeCommand('ecr.copyAs', target);
      const shown = await quickPickShown('the Copy As quick pick');
      assert.ok(shown.items.length > 0);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await pick;
    });

    it('passes an image Aqueduct can name, and says so above the tree', async () => {
      const report = await vscode.commands.executeCommand<{ ok: boolean }>('ecr.checkImage', { registryKey: REGISTRY_KEY, repository: 'ml/llm-serving', tag: 'cuda1180-py310' });
      // "ml/llm-serving" has a single "/" too: Aqueduct would look up "llm-serving".
      assert.equal(report.ok, false);
      const operator = `polish-${run}`;
      await client.send(new CreateRepositoryCommand({ repositoryName: operator }));
      // A real push (the pre-flight reads the manifest and config from the registry, not only ECR's listing).
      const pushed = await pushImage(await registryClientOf(explorer.connection(REGISTRY_KEY)!), operator, '0.3.6');
      await untilListed(client, operator, '0.3.6', pushed);
      const passing = await vscode.commands.executeCommand<{ ok: boolean }>('ecr.checkImage', { registryKey: REGISTRY_KEY, repository: operator, tag: '0.3.6' });
      assert.equal(passing.ok, true);
      assert.equal(explorer.viewMessage(), `✓ ${operator}:0.3.6 passes Aqueduct's image check`);
    });
  });

  describe('Create Repository', () => {
    it('refuses a taken name at the name step, from the listing and from ECR, before any other question', async () => {
      await explorer.treeSnapshot();
      const creating = vscode.commands.executeCommand('ecr.createRepository');
      await waitFor('the name step', async () => ((await quickInput()).title ?? '').includes('(1/4)') || undefined);
      await typeKeys('zenml/step-runner');
      const listed = await waitFor('the listed name refused while typing', async () => {
        const state = await quickInput();
        return state.message?.includes('already exists') ? state : undefined;
      });
      assert.match(listed.message ?? '', /A repository named "zenml\/step-runner" already exists in local/);
      await screenshot('polish-create-repository-name-taken');
      await typeKeys('', 'Enter');
      const still = await quickInput();
      assert.match(still.title ?? '', /\(1\/4\)/, 'Enter on a taken name stays at the name step');

      // Created behind the listing's back: ECR is asked on Enter.
      const behind = `polish-behind-${run}`;
      await client.send(new CreateRepositoryCommand({ repositoryName: behind }));
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await creating;
      const again = vscode.commands.executeCommand('ecr.createRepository');
      await waitFor('the name step again', async () => ((await quickInput()).title ?? '').includes('(1/4)') || undefined);
      await typeKeys(behind, 'Enter');
      const refused = await waitFor('the name ECR knows refused on Enter', async () => {
        const state = await quickInput();
        return state.visible && state.message?.includes('already exists') ? state : undefined;
      });
      assert.match(refused.title ?? '', /\(1\/4\)/, 'no mutability question after a taken name');
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(await again, undefined);
    });
  });

  describe('Lifecycle', () => {
    it('after Apply no image is marked "would expire", and the policy editor is not left dirty', async () => {
      const repository = `polish-lifecycle-${run}`;
      await client.send(new CreateRepositoryCommand({ repositoryName: repository }));
      await client.send(new PutImageCommand({ repositoryName: repository, imageManifest: manifestFor(`old-${run}`), imageTag: 'old' }));
      await nextSecond();
      await client.send(new PutImageCommand({ repositoryName: repository, imageManifest: manifestFor(`new-${run}`), imageTag: 'new' }));
      explorer.refresh(REGISTRY_KEY);
      const target = { registryKey: REGISTRY_KEY, repository };
      await vscode.commands.executeCommand('ecr.buildLifecyclePolicy', target, [{ kind: 'keepLast', tagStatus: 'any', count: 1 }]);
      const editor = await waitFor('the policy editor', () => vscode.window.visibleTextEditors.find((candidate) => candidate.document.uri.path.endsWith(`${repository}.ecr-lifecycle.json`)));
      assert.equal(editor.document.isDirty, false, 'a drafted policy is a saved file, not an unsaved editor');
      assert.notEqual(editor.document.uri.scheme, 'untitled');

      await vscode.commands.executeCommand('ecr.previewLifecyclePolicy', target);
      const preview = await quickPickShown('the preview list', 'Lifecycle preview');
      assert.match(preview.title ?? '', /evaluated here/);
      assert.ok(preview.items.some((item) => /Evaluated here from the image list; ECR's own preview could not confirm it/.test(item)), preview.items.join(' | '));
      await screenshot('polish-lifecycle-preview');
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      const marked = async () => {
        const snapshot = await explorer.treeSnapshot([repository]);
        return (find(find(snapshot, 'local')?.children, repository)?.children ?? []).filter((row) => /would expire/.test(row.description ?? ''));
      };
      assert.deepEqual((await marked()).map((row) => row.label), ['old']);

      modals().answerWith((request) => request.buttons.find((button) => /^Apply/.test(button)));
      assert.equal(await vscode.commands.executeCommand<boolean>('ecr.applyLifecyclePolicy', target), true);
      assert.match(lastModal('the Apply modal').message, new RegExp(`Apply this lifecycle policy to ${repository}\\? 1 image would expire`));
      assert.deepEqual(await marked(), [], 'no image marked after Apply');
      assert.equal(editor.document.isDirty, false);
    });
  });

  describe('Build tasks', () => {
    it('a failing build\'s diagnostic and transcript carry no terminal colour codes', async () => {
      const dockerfile = await writeFile(`polish-broken-${run}/Dockerfile`, 'FROM aqueducthq/function310:0.3.6\nRUN echo "/bin/sh: pip: not found" >&2 && exit 127\n');
      const code = await vscode.commands.executeCommand<number | undefined>('ecr.buildAndPush', {
        dockerfile: `polish-broken-${run}/Dockerfile`,
        repository: `polish/broken-${run}`,
        tags: ['latest'],
        registry: 'local',
      });
      assert.equal(code, 1);
      const transcript = transcripts().at(-1);
      assert.ok(transcript?.lines.some((line) => line.includes('/bin/sh: pip: not found')), transcript?.lines.join('\n'));
      assert.ok(transcript?.lines.every((line) => !line.includes('\u001b')), 'no escape character in the build text');
      const [diagnostic] = await waitFor('the ecr-build diagnostic', () => {
        const found = vscode.languages.getDiagnostics(dockerfile).filter((candidate) => candidate.source === 'ecr-build');
        return found.length ? found : undefined;
      });
      assert.match(diagnostic.message, /returned a non-zero code: 127\n\/bin\/sh: pip: not found/);
      assert.ok(!diagnostic.message.includes('\u001b'), `no escape character in: ${JSON.stringify(diagnostic.message)}`);
    });

    it('running an ecr-build task from Run Task never stops at the problem-matcher picker', async () => {
      const label = 'Build and push churn-predictor';
      let exitCode: number | undefined;
      const ended = vscode.tasks.onDidEndTaskProcess((event) => {
        if (event.execution.task.name === label) exitCode = event.exitCode ?? -1;
      });
      try {
        await vscode.commands.executeCommand('workbench.action.tasks.runTask', label);
        await waitFor('the task to finish without asking for a problem matcher', async () => {
          const state = await quickInput();
          if (state.visible && state.items.some((item) => /without scanning the task output/i.test(item))) {
            throw new Error(`VS Code asked which problem matcher to use: ${state.title} ${state.items.join(' | ')}`);
          }
          return exitCode !== undefined;
        }, 170_000);
      } finally {
        ended.dispose();
      }
      assert.equal(exitCode, 0);
    });
  });

  describe('Scan findings and the Dockerfile wizard', () => {
    it('shows scan findings rendered, not as Markdown source', async () => {
      const report = await vscode.commands.executeCommand<{ findings: { name: string }[] }>('ecr.showScanFindings', { registryKey: REGISTRY_KEY, repository: DEMO_REPOSITORY, tag: '0.3.6' });
      // What ECR answered (moto may give its placeholder finding once the seeded ones were read by other askers).
      const first = report?.findings[0]?.name;
      assert.ok(first, 'the scan report has findings');
      await waitFor('the rendered findings', () => {
        const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
        return tab?.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType);
      });
      await waitFor(`the findings table (${first}) rendered in the preview`, () => frameShows(first), 60_000);
      await screenshot('polish-scan-findings-rendered');
    });

    it('counts the wizard\'s steps right, defaults the overwrite modal to the safe button, says what it wrote', async () => {
      const wizard = vscode.commands.executeCommand('ecr.newAqueductDockerfile');
      for (const step of ['(1/4): Python version', '(2/4): base image', '(3/4): Aqueduct version']) {
        await quickPickShown(`the step "${step}"`, step);
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      }
      await quickPickShown('the folder step', '(4/4): folder');
      await screenshot('polish-wizard-step-4-of-4');
      modals().answerWith((request) => (request.message.includes('already exists') ? 'Open Existing' : undefined));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      // The demo workspace has a Dockerfile at its root.
      assert.equal(await wizard, undefined, 'nothing replaced');
      const modal = lastModal('the overwrite modal');
      assert.deepEqual(modal.buttons, ['Open Existing', 'Replace'], 'the first (default) button is the safe one');
      const opened = await waitFor('the existing Dockerfile opened', () => {
        const editor = vscode.window.activeTextEditor;
        return editor?.document.uri.path.endsWith('/Dockerfile') ? editor : undefined;
      });
      assert.match(opened.document.getText(), /Aqueduct operator image/, 'the existing Dockerfile, unchanged');

      const folder = `polish-wizard-${run}`;
      const created = await vscode.commands.executeCommand<vscode.Uri>('ecr.newAqueductDockerfile', { folder: vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, folder), python: '3.10', variant: 'cpu', version: '0.3.6' });
      assert.ok(created);
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(created, '..', '.dockerignore'));
      // Every file written is said in the outcome's notification, with nothing left above the tree.
      await notificationShown(`Created Dockerfile, .dockerignore and requirements.txt in ${folder} (FROM aqueducthq/function310:0.3.6).`, 'polish-wizard-files-written');
      assert.equal(explorer.viewMessage(), undefined);
    });
  });

  describe('a newcomer\'s walk', () => {
    /**
     * Runs a command as the palette does (no arguments), waits for the first step it must show, photographs it
     * and backs out. A command that ends, or fails, before that step is on screen fails the walk.
     */
    const walk = async (command: string, expectation: () => Promise<unknown>) => {
      let ended: string | undefined;
      const running = Promise.resolve(vscode.commands.executeCommand(command)).then(
        () => (ended = 'ended'),
        (error: unknown) => (ended = `failed: ${String(error)}`),
      );
      await waitFor(`what ${command} shows first`, async () => {
        if (ended?.startsWith('failed')) throw new Error(`${command} ${ended}`);
        return expectation();
      }).catch((error: Error) => {
        throw new Error(`${error.message}${ended === 'ended' ? ` (${command} had already ended without showing it)` : ''}`);
      });
      await screenshot(`polish-walk-${command.replace(/^ecr\./, '')}`);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(await running, 'ended', `${command} ends without an error once backed out of`);
    };
    const asks = (title: string) => async () => ((await quickInput()).title ?? '').includes(title) || undefined;

    it('palette: every command once, each shows its first step where the person is looking', async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
      const hidden = new Set<string>(extension.packageJSON.contributes.menus.commandPalette.filter((entry: { when?: string }) => entry.when === 'false').map((entry: { command: string }) => entry.command));
      const inPalette: string[] = extension.packageJSON.contributes.commands.map((entry: { command: string }) => entry.command).filter((id: string) => !hidden.has(id));
      const walked: string[] = [];
      const step = async (command: string, expectation: () => Promise<unknown>) => {
        await walk(command, expectation);
        walked.push(command);
      };

      // Refresh All re-lists the whole view: a repository created behind the extension's back appears.
      const appeared = `polish-walk-refresh-${run}`;
      assert.ok(await explorer.repositoryNode(REGISTRY_KEY, DEMO_REPOSITORY), 'the registry is listed');
      await client.send(new CreateRepositoryCommand({ repositoryName: appeared }));
      assert.equal(await explorer.repositoryNode(REGISTRY_KEY, appeared), undefined, 'not in the view before Refresh');
      await step('ecr.refreshView', async () => (await explorer.repositoryNode(REGISTRY_KEY, appeared)) || undefined);
      await step('ecr.addRegistry', asks('Add ECR Registry'));
      await step('ecr.filter', asks('Filter ECR Registries'));
      await step('ecr.createRepository', asks('Create Repository in local (1/4)'));
      await step('ecr.newAqueductDockerfile', asks('New Aqueduct Dockerfile (1/'));
      await step('ecr.buildAndPush', asks('Build and Push'));
      // With the credential helper on PATH the first step is the choice of login; without it, the plain login's modal.
      await step('ecr.loginDockerCli', async () => (await asks('Log the docker CLI in to')()) || modals().shown().some((request) => /Log the docker CLI in/.test(request.message)) || undefined);
      // The ECR log is the output panel's channel on screen.
      await step('ecr.showLog', async () => vscode.window.visibleTextEditors.some((editor) => editor.document.uri.scheme === 'output' && /ECR/.test(editor.document.uri.path)) || undefined);
      // Image commands from the palette ask which image, in the registry the view lists.
      for (const [command, purpose] of [['ecr.inspectImage', 'Inspect Image'], ['ecr.addTag', 'Add Tag'], ['ecr.removeTag', 'Remove Tag'], ['ecr.copyImage', 'Copy Image To']]) {
        await step(command, asks(`${purpose} (local)`));
      }
      await step('ecr.createPullThroughRule', asks('Create Pull-Through Cache Rule in local'));
      explorer.setFilter('churn');
      assert.match(explorer.viewMessage() ?? '', /Filtered/, 'the filter is on before Clear Filter');
      await step('ecr.clearFilter', async () => !explorer.viewMessage()?.includes('Filtered') || undefined);

      assert.deepEqual(walked.sort(), [...inPalette].sort(), 'every command the palette offers is walked');
    });

    it('context menus: repository and image entries act on the clicked row and say what happened', async () => {
      const repository = await explorer.repositoryNode(REGISTRY_KEY, 'sandbox/empty');
      await vscode.commands.executeCommand('ecr.viewLifecyclePolicy', repository);
      assert.equal(explorer.viewMessage(), 'sandbox/empty has no lifecycle policy yet');
      await vscode.commands.executeCommand('ecr.viewRepositoryPolicy', repository);
      assert.equal(explorer.viewMessage(), 'sandbox/empty has no repository policy');
      await explorer.reveal(REGISTRY_KEY, 'sandbox/empty', { select: false, expand: true });
      await screenshot('polish-walk-no-repository-policy');
      await explorer.reveal(REGISTRY_KEY, 'sandbox/empty', { select: true, focus: true, expand: false });
      await waitFor('the result cleared by the next click in the view', () => explorer.viewMessage() === undefined);
      const policy = await vscode.commands.executeCommand<string>('ecr.viewRepositoryPolicy', await explorer.repositoryNode(REGISTRY_KEY, 'flyte/train-xgboost'));
      assert.match(policy, /AllowTrainingAccountPull/);
      const deleted = await vscode.commands.executeCommand('ecr.deleteRepository', repository);
      assert.equal(deleted, false);
      assert.equal(lastModal('the delete modal').message, 'Delete the empty repository sandbox/empty?');
    });

    it('context menus: every other entry once, on the row it was opened on', async () => {
      modals().answerWith(() => undefined);
      const repository = await explorer.repositoryNode(REGISTRY_KEY, DEMO_REPOSITORY);
      const image = await explorer.imageNode(REGISTRY_KEY, DEMO_REPOSITORY, '0.3.5');
      assert.ok(repository && image, 'the demo repository and its 0.3.5 image are rows in the tree');

      // Copy entries: the clipboard holds exactly what the row names.
      const uri = await vscode.commands.executeCommand<string>('ecr.copyRepositoryUri', repository);
      assert.match(uri, new RegExp(`/${DEMO_REPOSITORY}$`));
      assert.equal(await vscode.env.clipboard.readText(), uri);
      assert.equal(await vscode.commands.executeCommand<string>('ecr.copyImageUriByTag', image), `${uri}:0.3.5`);
      const byDigest = await vscode.commands.executeCommand<string>('ecr.copyImageUriByDigest', image);
      assert.match(byDigest, new RegExp(`^${uri.replace(/[.]/g, '\\.')}@sha256:[0-9a-f]{64}$`));
      assert.equal(await vscode.commands.executeCommand<string>('ecr.copyPullCommand', image), `docker pull ${uri}:0.3.5`);
      assert.equal(await vscode.env.clipboard.readText(), `docker pull ${uri}:0.3.5`);

      // The local stack is not AWS: the console entry says so instead of opening a page for a made-up account.
      assert.equal(await vscode.commands.executeCommand('ecr.openInConsole', repository), undefined);
      await notificationShown('not by AWS: the AWS console cannot show it.', 'polish-walk-open-in-console-local');

      // Registry entries ask first and change nothing when the person backs out.
      const registry = { registryKey: REGISTRY_KEY };
      const before = JSON.stringify(vscode.workspace.getConfiguration('ecr').get('registries'));
      const profile = vscode.commands.executeCommand('ecr.selectProfile', registry);
      await quickPickShown('the profile pick', 'Credentials for local');
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await profile;
      const keys = vscode.commands.executeCommand('ecr.setAccessKeys', registry);
      await waitFor('the access key step', async () => ((await quickInput()).title ?? '').includes('local') || undefined);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await keys;
      assert.equal(await vscode.commands.executeCommand('ecr.removeRegistry', registry), false);
      const remove = lastModal('the Remove Registry modal');
      assert.equal(remove.message, 'Remove local from the ECR view?');
      assert.match(remove.detail ?? '', /Nothing is deleted in ECR/);
      assert.equal(JSON.stringify(vscode.workspace.getConfiguration('ecr').get('registries')), before, 'settings unchanged');

      // Delete Image(s): the modal names the tag that would go; backing out deletes nothing.
      assert.equal(await vscode.commands.executeCommand('ecr.deleteImages', image, [image]), undefined);
      assert.match(`${lastModal('the delete modal').message}\n${lastModal('the delete modal').detail}`, /0\.3\.5/);
      assert.ok(await explorer.imageNode(REGISTRY_KEY, DEMO_REPOSITORY, '0.3.5'), 'the image is still there');

      // Lifecycle entries: Clear Lifecycle Preview removes the marks; Delete says there is nothing to delete.
      const lifecycle = `polish-walk-${run}`;
      await client.send(new CreateRepositoryCommand({ repositoryName: lifecycle }));
      await client.send(new PutImageCommand({ repositoryName: lifecycle, imageManifest: manifestFor(`walk-old-${run}`), imageTag: 'old' }));
      await nextSecond();
      await client.send(new PutImageCommand({ repositoryName: lifecycle, imageManifest: manifestFor(`walk-new-${run}`), imageTag: 'new' }));
      explorer.refresh(REGISTRY_KEY);
      const target = { registryKey: REGISTRY_KEY, repository: lifecycle };
      await vscode.commands.executeCommand('ecr.buildLifecyclePolicy', target, [{ kind: 'keepLast', tagStatus: 'any', count: 1 }]);
      await vscode.commands.executeCommand('ecr.previewLifecyclePolicy', target);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      const marked = async () => {
        const snapshot = await explorer.treeSnapshot([lifecycle]);
        return (find(find(snapshot, 'local')?.children, lifecycle)?.children ?? []).filter((row) => /would expire/.test(row.description ?? '')).map((row) => row.label);
      };
      assert.deepEqual(await marked(), ['old']);
      await vscode.commands.executeCommand('ecr.clearLifecyclePreview', await explorer.repositoryNode(REGISTRY_KEY, lifecycle));
      assert.deepEqual(await marked(), [], 'no mark after Clear Lifecycle Preview');
      assert.equal(await vscode.commands.executeCommand('ecr.deleteLifecyclePolicy', await explorer.repositoryNode(REGISTRY_KEY, lifecycle)), false);
      assert.equal(explorer.viewMessage()?.split('\n')[0], `${lifecycle} has no lifecycle policy: nothing to delete`);
      assert.equal(modals().shown().filter((request) => /lifecycle policy/.test(request.message)).length, 0, 'no modal about a policy that does not exist');

      // With a policy, the modal says which rules stop, and the result shows above the tree.
      modals().answerWith((request) => request.buttons.find((button) => /^(Apply|Delete Policy)/.test(button)));
      assert.equal(await vscode.commands.executeCommand<boolean>('ecr.applyLifecyclePolicy', target), true);
      assert.equal(await vscode.commands.executeCommand<boolean>('ecr.deleteLifecyclePolicy', await explorer.repositoryNode(REGISTRY_KEY, lifecycle)), true);
      assert.match(lastModal('the delete-policy modal').detail ?? '', /^It has 1 rule\.|^Its 1 rule: /);
      await notificationShown(`Lifecycle policy of ${lifecycle} deleted: its images no longer expire automatically.`);
      modals().answerWith(undefined);

      // Retry on an error row: ECR refuses one listing (the local ECR injects it), Retry lists again.
      const refused = `polish-retry-${run}`;
      await client.send(new CreateRepositoryCommand({ repositoryName: refused }));
      await client.send(new PutImageCommand({ repositoryName: refused, imageManifest: manifestFor(`retry-${run}`), imageTag: 'v1' }));
      explorer.refresh(REGISTRY_KEY);
      const injected = await fetch(new URL('/_front/faults', stack().ecrEndpoint), {
        method: 'POST',
        body: JSON.stringify({
          operation: 'DescribeImages',
          status: 400,
          type: 'AccessDeniedException',
          message: `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecr:DescribeImages on resource: arn:aws:ecr:us-east-1:123456789012:repository/${refused}`,
        }),
      });
      assert.equal(injected.status, 200);
      const [errorRow] = (await explorer.repositoryRows(REGISTRY_KEY, refused)) as Array<{ kind: string; error?: { message: string } }>;
      assert.equal(errorRow?.kind, 'error', 'the refused listing is an error row');
      assert.match(errorRow.error?.message ?? '', /ecr:DescribeImages/);
      await vscode.commands.executeCommand('ecr.retry', errorRow);
      const rows = (await explorer.repositoryRows(REGISTRY_KEY, refused)) as Array<{ kind: string; tags?: string[] }>;
      assert.deepEqual(rows.map((row) => [row.kind, row.tags]), [['image', ['v1']]], 'Retry lists the repository again');
    });
  });
});
