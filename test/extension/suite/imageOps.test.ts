/**
 * Issue 12 in a real extension host against the stack: Inspect Image (secrets masked, history
 * shown), Add Tag (the new tag's row appears with the same digest; moving a tag asks first),
 * Remove Tag, Copy Image To another repository (progress by bytes, digest equal at the target,
 * repository created), and Check Image failing on the wrong platform with its fix. Images are
 * pushed through the registry endpoint with the extension's own connection (imageFixtures.ts).
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CreateRepositoryCommand, DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import type { CopyImageOutcome } from '../../../src/vscode/explorer/copyImageCommand';
import type { InspectResult } from '../../../src/vscode/explorer/inspectCommand';
import type { CheckImageReport } from '../../../src/vscode/explorer/preflightCommand';
import type { TagOutcome } from '../../../src/core/images/tags';
import type { ExplorerTestApi as ExplorerApi, TreeSnapshotEntry } from '../../../src/vscode/testApi';
import { activateExtension, frameShows, modals, notificationShown, quickInput, quickPickShown, requireStack, screenshot, stack, transcripts, typeKeys, waitFor } from './harness';
import { pushImage, registryClientOf, untilListed } from './imageFixtures';
import { startFaultProxy } from '../../stack/faultProxy';
import type { RegistryClient } from '../../../src/core/registry/client';

const REGISTRY_KEY = '123456789012/us-east-1';
const run = randomBytes(3).toString('hex');
const REPOSITORY = `imageops-${run}`;
const SECRET = `hf_${randomBytes(12).toString('hex')}`;

const imageRows = async (explorer: ExplorerApi, repository: string): Promise<TreeSnapshotEntry[]> => {
  const snapshot = await explorer.treeSnapshot([repository]);
  const registry = snapshot.find((entry) => entry.label === 'local');
  return registry?.children?.find((entry) => entry.label === repository)?.children ?? [];
};

describe('Image operations: inspect, tags, copy, Check Image', function () {
  this.timeout(180_000);
  let explorer: ExplorerApi;
  let ecr: ECRClient;
  let registry: RegistryClient;
  let digest: string;
  let other: string;

  before(async function () {
    requireStack(this);
    explorer = ((await activateExtension()).exports as unknown as { explorer: ExplorerApi }).explorer;
    ecr = new ECRClient({ region: 'us-east-1', endpoint: stack().ecrEndpoint, credentials: { accessKeyId: 'AKIDIMAGEOPSTEST0000', secretAccessKey: 'imageops-test-not-a-secret' } });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    const connection = explorer.connection(REGISTRY_KEY);
    assert.ok(connection, 'the local registry is configured');
    registry = await registryClientOf(connection);
    digest = await pushImage(registry, REPOSITORY, '1.0', {
      env: ['PATH=/usr/local/bin:/usr/bin:/bin', `HF_TOKEN=${SECRET}`, 'MODEL_DIR=/models'],
      labels: { 'org.opencontainers.image.base.name': 'aqueducthq/function310:0.3.6', team: 'ml' },
      history: [
        { created_by: 'FROM aqueducthq/function310:0.3.6' , empty_layer: true },
        { created_by: 'COPY requirements.txt /tmp/requirements.txt # buildkit' },
        { created_by: 'RUN /bin/sh -c pip install -r /tmp/requirements.txt # buildkit' },
        { created_by: `ENV HF_TOKEN=${SECRET}`, empty_layer: true },
      ],
      layerBytes: 6 * 1024 * 1024,
    });
    other = await pushImage(registry, REPOSITORY, '0.9', { layerBytes: 2048 });
    await untilListed(ecr, REPOSITORY, '1.0', digest);
    await untilListed(ecr, REPOSITORY, '0.9', other);
    explorer.refresh(REGISTRY_KEY);
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
  });

  beforeEach(() => modals().answerWith(() => undefined));
  afterEach(() => modals().answerWith(undefined));

  it('Inspect Image shows config, history and layers, with the secret masked everywhere', async () => {
    // As the image row's context menu calls it: with the row.
    const result = await vscode.commands.executeCommand<InspectResult>('ecr.inspectImage', await explorer.imageNode(REGISTRY_KEY, REPOSITORY, '1.0'));
    assert.ok(result, 'the inspect view opened');
    assert.equal(result.inspection.digest, digest);
    const text = result.markdown;
    assert.ok(!text.includes(SECRET), 'the HF_TOKEN value never reaches the view');
    assert.match(text, /\| `HF_TOKEN` \| `••••••` \|/);
    assert.match(text, /\| `MODEL_DIR` \| `\/models` \|/);
    assert.match(text, /RUN \/bin\/sh -c pip install -r \/tmp\/requirements\.txt/, 'the history shows the Dockerfile line');
    assert.match(text, /ENV HF_TOKEN=••••••/, 'the secret is masked in history too');
    assert.match(text, /\| 6\.3 MB \|/, 'the big layer with its size');
    assert.match(text, /`linux\/amd64`/);
    await waitFor('the rendered inspect view', () => frameShows('pip install -r /tmp/requirements.txt'));
    assert.ok(!(await frameShows(SECRET)), 'the secret is not on screen');
    await screenshot('imageops-inspect');

    // From the Command Palette: a pick of listed images, where repository:tag can be typed.
    const fromPalette = vscode.commands.executeCommand<InspectResult>('ecr.inspectImage');
    await quickPickShown('the image pick', 'Inspect Image');
    await typeKeys(`${REPOSITORY}:1.0`);
    await waitFor('the typed reference offered first', async () => (await quickInput()).items[0] === `${REPOSITORY}:1.0` || undefined);
    await typeKeys('', 'Enter');
    assert.equal((await fromPalette)?.inspection.digest, digest);
  });

  it('Add Tag puts a second tag on the same digest; moving a tag asks first; Remove Tag keeps the others', async () => {
    const added = await vscode.commands.executeCommand<TagOutcome>('ecr.addTag', await explorer.imageNode(REGISTRY_KEY, REPOSITORY, '1.0'), 'prod');
    assert.equal(added.status, 'tagged');
    assert.equal(added.digest, digest, 'the digest does not change');
    const row = await waitFor('the row of 1.0 with its new tag', async () => (await imageRows(explorer, REPOSITORY)).find((entry) => entry.label.split(', ').includes('prod')));
    assert.deepEqual(row.label.split(', ').sort(), ['1.0', 'prod']);
    const listed = await ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageTag: 'prod' }] }));
    assert.equal(listed.imageDetails?.[0]?.imageDigest, digest);
    await explorer.reveal(REGISTRY_KEY, REPOSITORY, { expand: true });
    await screenshot('imageops-add-tag');

    // "prod" names 1.0's image: taking it for 0.9 asks first, and Cancel changes nothing.
    const refused = await vscode.commands.executeCommand<TagOutcome>('ecr.addTag', { registryKey: REGISTRY_KEY, repository: REPOSITORY, tag: '0.9', digest: other }, 'prod');
    assert.equal(refused.status, 'points-elsewhere');
    const asked = modals().shown().at(-1);
    assert.equal(asked?.message, 'Move tag prod to imageops-' + run + ':0.9?');
    assert.deepEqual(asked?.buttons, ['Move Tag']);
    assert.equal((await registry.headManifest(REPOSITORY, 'prod'))?.digest, digest, 'Cancel left prod where it was');
    modals().answerWith(() => 'Move Tag');
    const moved = await vscode.commands.executeCommand<TagOutcome>('ecr.addTag', { registryKey: REGISTRY_KEY, repository: REPOSITORY, tag: '0.9', digest: other }, 'prod');
    assert.equal(moved.status, 'tagged');
    assert.equal(moved.status === 'tagged' && moved.movedFrom, digest);
    await untilListed(ecr, REPOSITORY, 'prod', other);

    const removed = await vscode.commands.executeCommand<{ removed: boolean; imageDeleted: boolean }>('ecr.removeTag', { registryKey: REGISTRY_KEY, repository: REPOSITORY, tag: 'prod', digest: other }, 'prod');
    assert.deepEqual(removed, { removed: true, tag: 'prod', imageDeleted: false });
    const after = (await ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: other }] }))).imageDetails?.[0];
    assert.deepEqual(after?.imageTags, ['0.9'], '0.9 keeps its image');
  });

  it('Copy Image To copies to another repository, created on the way, with progress by bytes and the digest verified', async () => {
    const targetRepository = `${REPOSITORY}/promoted`;
    const row = await explorer.imageNode(REGISTRY_KEY, REPOSITORY, digest);
    const outcome = await vscode.commands.executeCommand<CopyImageOutcome>('ecr.copyImage', row, { registryKey: REGISTRY_KEY, repository: targetRepository, tag: 'release' });
    assert.equal(outcome?.status, 'copied', JSON.stringify(outcome));
    if (outcome.status !== 'copied') return;
    assert.equal(outcome.result.digest, digest);
    assert.equal(outcome.result.createdRepository, true);
    const last = outcome.progress.at(-1);
    assert.ok(last && last.bytesTotal > 6 * 1024 * 1024 && last.bytesDone === last.bytesTotal, `progress by bytes reached the total: ${JSON.stringify(last)}`);
    assert.ok(outcome.progress.length >= 3, 'progress was reported along the way');
    assert.equal((await registry.headManifest(targetRepository, 'release'))?.digest, digest, 'the target tag names the same digest');
    await untilListed(ecr, targetRepository, 'release', digest);
    // The outcome is a notification naming the target and the digest verified there.
    await notificationShown(`${targetRepository}:release: digest ${digest.slice(0, 19)} verified at the target`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await explorer.reveal(REGISTRY_KEY, targetRepository, { expand: true });
    await waitFor('the copy in the tree', async () => (await imageRows(explorer, targetRepository)).some((entry) => entry.label === 'release') || undefined);
    await screenshot('imageops-copy');
  });

  it('Copy Image To shows the live retry in its progress while the registry answers 429 with Retry-After (fault proxy in front of the registry)', async () => {
    // The fault proxy (test/stack/faultProxy.ts) runs here, in the extension host, in front of the
    // stack's registry; the extension is pointed at it by ecr.registryHostOverride (the workspace's
    // value wins over the machine's), as a user would point it at a VPC endpoint.
    const proxy = await startFaultProxy(stack().registryHost!);
    const settings = () => vscode.workspace.getConfiguration('ecr');
    try {
      await settings().update('registryHostOverride', proxy.host, vscode.ConfigurationTarget.Workspace);
      await waitFor('the connection to use the proxy', async () => (await explorer.connection(REGISTRY_KEY)?.auth())?.registryHost === proxy.host || undefined);
      // The copy's tag write is answered 429 with Retry-After: 6 once; the policy waits 6 s, then writes it.
      proxy.set([{ method: 'PUT', path: /\/manifests\/retried$/, nth: 1, action: { kind: 'status', status: 429, retryAfter: 6, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}' } }]);
      const targetRepository = `${REPOSITORY}/retried`;
      const row = await explorer.imageNode(REGISTRY_KEY, REPOSITORY, digest);
      // Notification toasts are hidden under the smoke-test driver: the notification list shows the progress
      // (cleared first, so the screenshot shows the copy's progress, not earlier tests' outcomes).
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('notifications.showList');
      const copying = vscode.commands.executeCommand<CopyImageOutcome>('ecr.copyImage', row, { registryKey: REGISTRY_KEY, repository: targetRepository, tag: 'retried' });
      await waitFor('the retry in the copy progress', () => frameShows('retrying in 6 s, attempt 2 of 5'));
      await screenshot('imageops-copy-retry');
      const outcome = await copying;
      assert.equal(outcome?.status, 'copied', JSON.stringify(outcome));
      if (outcome.status !== 'copied') return;
      assert.equal(proxy.hits(), 1);
      assert.equal(outcome.retries.length, 1, outcome.retries.join('\n'));
      assert.match(outcome.retries[0], /HTTP 429.*retrying in 6 s, attempt 2 of 5$/);
      assert.equal((await registry.headManifest(targetRepository, 'retried'))?.digest, digest, 'the tag names the digest at the registry');
      await vscode.commands.executeCommand('notifications.hideList');
    } finally {
      await settings().update('registryHostOverride', undefined, vscode.ConfigurationTarget.Workspace);
      await proxy.close();
    }
  });

  it('Check Image fails an arm64-only image on linux/amd64 and says how to fix it', async () => {
    const operator = `imageops-${run}-arm`;
    await ecr.send(new CreateRepositoryCommand({ repositoryName: operator }));
    const armDigest = await pushImage(registry, operator, '0.3.6', { platform: 'linux/arm64', labels: { 'org.opencontainers.image.base.name': 'aqueducthq/function310:0.3.6' } });
    await untilListed(ecr, operator, '0.3.6', armDigest);
    const report = await vscode.commands.executeCommand<CheckImageReport>('ecr.checkImage', { registryKey: REGISTRY_KEY, repository: operator, tag: '0.3.6' });
    assert.equal(report.ok, false);
    const platform = report.checks.find((check) => check.name === 'platform');
    assert.equal(platform?.status, 'fail');
    assert.match(platform?.detail ?? '', /Built for linux\/arm64 only.*exec format error/);
    assert.match(platform?.fix ?? '', /Build for linux\/amd64 .*"platform": "linux\/amd64"/);
    const modal = modals().shown().at(-1);
    assert.equal(modal?.message, `${operator}:0.3.6 fails Aqueduct's image check`);
    assert.match(modal?.detail ?? '', /✗ Runs on linux\/amd64: .*\n {4}Fix: Build for linux\/amd64/);
    assert.match(explorer.viewMessage() ?? '', /fails Aqueduct's image check: Runs on linux\/amd64/);

    // The same image for the cluster's platform passes every check that applies.
    const amdDigest = await pushImage(registry, operator, '0.3.6-amd64', { labels: { 'org.opencontainers.image.base.name': 'aqueducthq/function310:0.3.6' } });
    await untilListed(ecr, operator, '0.3.6-amd64', amdDigest);
    const passing = await vscode.commands.executeCommand<CheckImageReport>('ecr.checkImage', { registryKey: REGISTRY_KEY, repository: operator, tag: '0.3.6-amd64' });
    assert.deepEqual(passing.checks.map((check) => [check.name, check.status]), [['exists', 'pass'], ['manifest', 'pass'], ['platform', 'pass'], ['entrypoint', 'pass'], ['base-version', 'pass'], ['aqueduct-name', 'pass']]);
  });

  it('the ecr-build task with "platforms" pushes one index of linux/amd64 and linux/arm64 under its tags', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace folder is open');
    // No RUN step: the arm64 build needs no emulation on this engine.
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder.uri, `multi-${run}/Dockerfile`), new TextEncoder().encode('FROM scratch\nCOPY model.txt /app/model.txt\n'));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder.uri, `multi-${run}/model.txt`), new TextEncoder().encode(`model ${run}\n`));
    const repository = `${REPOSITORY}/multi`;
    const definition = { type: 'ecr-build', dockerfile: `multi-${run}/Dockerfile`, repository, tags: ['2.0'], platforms: ['linux/amd64', 'linux/arm64'], registry: 'local', network: 'none' };
    // As a user writes it: an entry in .vscode/tasks.json (the demo's entry is put back afterwards).
    const tasksJson = vscode.Uri.joinPath(folder.uri, '.vscode', 'tasks.json');
    const original = await vscode.workspace.fs.readFile(tasksJson);
    const tasks = JSON.parse(new TextDecoder().decode(original)) as { tasks: object[] };
    const label = `Build ${run} for two platforms`;
    tasks.tasks.push({ label, ...definition });
    await vscode.workspace.fs.writeFile(tasksJson, new TextEncoder().encode(JSON.stringify(tasks, null, 2)));
    let transcript;
    try {
      const task = await waitFor(`the "${label}" task from tasks.json`, async () => (await vscode.tasks.fetchTasks({ type: 'ecr-build' })).find((candidate) => candidate.name === label));
      await vscode.tasks.executeTask(task);
      // By its Dockerfile: the extension keeps only the last few transcripts, so counting them says nothing.
      transcript = await waitFor('the task to start', () => transcripts().find((candidate) => candidate.dockerfile === definition.dockerfile), 30_000);
      const started = transcript;
      await waitFor('the task to finish', () => started.exitCode !== undefined || undefined, 150_000);
    } finally {
      await vscode.workspace.fs.writeFile(tasksJson, original);
    }
    const text = transcript.lines.join('\n');
    assert.equal(transcript.exitCode, 0, text);
    assert.match(text, /platforms: linux\/amd64, linux\/arm64/);
    const index = await registry.getManifest(repository, '2.0');
    assert.deepEqual(index.manifest.manifests?.map((entry) => `${entry.platform?.os}/${entry.platform?.architecture}`), ['linux/amd64', 'linux/arm64']);
    assert.match(text, new RegExp(`index ${index.digest} \\(linux/amd64, linux/arm64\\) under 2\\.0`));
  });
});
