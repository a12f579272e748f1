/**
 * Issues 12 and 14 in a real extension host against the stack: a multi-arch image (two platform
 * images, BuildKit-style attestations, an OCI index tagged 1.0 and a signature naming it, pushed
 * through the registry endpoint and listed by the ECR API through the front) shown as one row with
 * its children; deletes refused or cascading; an archived image in the Archived group, refused by
 * Pull and restored; ecr.images.sortBy "pulled", the stale marker and the "stale" filter.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CreateRepositoryCommand, DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { activateExtension, frameShows, hoverTreeRow, modals, nextSecond, requireStack, screenshot, stack, visibleTreeRows, waitFor } from './harness';
import { fetchRegistryAuth } from '../../support/ecrAuth';
import { formatBytes } from '../../../src/core/ecr/format';
import { RegistryClient } from '../../../src/core/registry/client';
import { OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, type Descriptor } from '../../../src/core/registry/mediaTypes';
import { pushAttestation, pushJsonBlob, pushManifest } from '../../support/multiArch';
import type { ExplorerTestApi as ExplorerApi, TreeSnapshotEntry } from '../../../src/vscode/testApi';

const REGISTRY_KEY = '123456789012/us-east-1';
const run = randomBytes(3).toString('hex');
const REPOSITORY = `tree-${run}/operator`;
const AGED = `tree-${run}/aged`;


const find = (entries: TreeSnapshotEntry[] | undefined, label: string) => entries?.find((entry) => entry.label === label);

/** A single-platform image: an OCI config naming the platform, one layer of about `bytes` bytes (layerBytes: exactly). */
async function pushPlatformImage(client: RegistryClient, repository: string, architecture: string, bytes: number, tag?: string): Promise<Descriptor & { layerBytes: number }> {
  const layer = await pushJsonBlob(client, repository, randomBytes(bytes).toString('base64'), 'application/vnd.oci.image.layer.v1.tar');
  const config = await pushJsonBlob(client, repository, { architecture, os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [layer.digest] } }, 'application/vnd.oci.image.config.v1+json');
  const manifest = await pushManifest(client, repository, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] }, tag);
  return { ...manifest, platform: { os: 'linux', architecture }, layerBytes: layer.size };
}

describe('Images as ECR stores them: indexes, attachments, archive, last pull', function () {
  this.timeout(180_000);
  let explorer: ExplorerApi;
  let ecr: ECRClient;
  let registry: RegistryClient;
  const digests: Record<string, string> = {};
  const sizes: Record<string, number> = {};

  const rowsOf = async (repository: string): Promise<TreeSnapshotEntry[]> => find(find(await explorer.treeSnapshot([repository]), 'local')?.children, repository)?.children ?? [];
  const listed = async (repository: string) => ((await ecr.send(new DescribeImagesCommand({ repositoryName: repository }))).imageDetails ?? []).map((detail) => detail.imageDigest);
  const front = (path: string, body: unknown) =>
    fetch(`${stack().ecrEndpoint}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((response) => assert.equal(response.status, 200, `${path} answered`));

  before(async function () {
    requireStack(this);
    explorer = ((await activateExtension()).exports as unknown as { explorer: ExplorerApi }).explorer;
    ecr = new ECRClient({ region: 'us-east-1', endpoint: stack().ecrEndpoint, credentials: { accessKeyId: 'AKIDIMAGESTEST000000', secretAccessKey: 'images-test-not-a-secret' } });
    for (const name of [REPOSITORY, AGED]) await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const auth = await fetchRegistryAuth(ecr, { registryHostOverride: stack().registryHost });
    registry = new RegistryClient({ host: stack().registryHost!, credentials: async () => ({ username: auth.username, password: auth.password }) });
    // What `docker buildx build --platform linux/amd64,linux/arm64 --provenance=true --push` leaves in ECR, plus a cosign signature.
    const { layerBytes: amd64Bytes, ...amd64 } = await pushPlatformImage(registry, REPOSITORY, 'amd64', 3000);
    const { layerBytes: arm64Bytes, ...arm64 } = await pushPlatformImage(registry, REPOSITORY, 'arm64', 5000);
    sizes.amd64 = amd64Bytes;
    sizes.total = amd64Bytes + arm64Bytes;
    const attestation = async (of: Descriptor, platform: string): Promise<Descriptor> => ({
      ...(await pushAttestation(registry, REPOSITORY, of.digest, platform)),
      annotations: { 'vnd.docker.reference.digest': of.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    });
    const attestations = [await attestation(amd64, 'linux/amd64'), await attestation(arm64, 'linux/arm64')];
    const index = await pushManifest(registry, REPOSITORY, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [amd64, arm64, ...attestations] }, '1.0');
    const empty = await pushJsonBlob(registry, REPOSITORY, {}, OCI_EMPTY);
    const payload = await pushJsonBlob(registry, REPOSITORY, { critical: { image: { 'docker-manifest-digest': index.digest } } }, 'application/vnd.dev.cosign.simplesigning.v1+json');
    const signature = await pushManifest(registry, REPOSITORY, { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json', config: empty, layers: [payload], subject: index });
    // ECR records push times to the second: 'solo' is newer than the index only in a later second.
    await nextSecond();
    const solo = await pushPlatformImage(registry, REPOSITORY, 'amd64', 1000, 'solo');
    Object.assign(digests, { index: index.digest, amd64: amd64.digest, arm64: arm64.digest, attestation: attestations[0].digest, signature: signature.digest, solo: solo.digest });
    digests.fresh = (await pushPlatformImage(registry, AGED, 'amd64', 1000, 'fresh')).digest;
    digests.old = (await pushPlatformImage(registry, AGED, 'amd64', 1000, 'old')).digest;
    await waitFor('every pushed image listed by the ECR API', async () => {
      const all = [...(await listed(REPOSITORY)), ...(await listed(AGED))];
      return Object.values(digests).every((digest) => all.includes(digest));
    });
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
  });

  beforeEach(() => modals().answerWith(() => undefined));
  afterEach(async () => {
    modals().answerWith(undefined);
    await vscode.workspace.getConfiguration('ecr').update('images.sortBy', undefined, vscode.ConfigurationTarget.Global);
    explorer.setFilter('');
  });

  it('shows the index as one row with its platforms and total size; its platform images, attestations and signature under it; nothing Untagged', async () => {
    explorer.refresh(REGISTRY_KEY, REPOSITORY);
    // Rows come first; the index's platforms fill in once its manifest is read, the signature once its own is.
    const rows = await waitFor('the index row with its platforms, and no Untagged group', async () => {
      const current = await rowsOf(REPOSITORY);
      return /linux\/amd64, linux\/arm64/.test(find(current, '1.0')?.description ?? '') && !find(current, 'Untagged') ? current : undefined;
    });
    assert.deepEqual(rows.map((row) => row.label), ['solo', '1.0'], 'the signature and the platform images are no longer Untagged');
    const index = find(rows, '1.0')!;
    const total = formatBytes(sizes.total);
    assert.ok(index.description?.startsWith(`linux/amd64, linux/arm64 · ${total} · `), `platforms, the platform images' layers together (${sizes.total} bytes = ${total}), push: ${index.description}`);
    assert.match(index.contextValue ?? '', /\bindex\b/);
    assert.deepEqual(index.children?.map((child) => child.label), ['linux/amd64', 'linux/arm64', 'signature']);
    const amd64 = find(index.children, 'linux/amd64')!;
    assert.match(amd64.description ?? '', new RegExp(`^${formatBytes(sizes.amd64)} · sha256:[0-9a-f]{12}$`));
    assert.deepEqual(amd64.children?.map((child) => child.label), ['attestation manifest']);

    // Other suites leave many rows expanded: collapse them, as a person would, so the index fits on screen.
    await vscode.commands.executeCommand('workbench.actions.treeView.ecr.registries.collapseAll');
    const node = await explorer.revealImage(REGISTRY_KEY, REPOSITORY, digests.amd64, { select: true, focus: true, expand: true });
    assert.ok(node?.belongsTo?.some((owner) => owner.startsWith('image index 1.0')), `the tooltip says which index it belongs to: ${node?.belongsTo}`);
    let visible: string[] = [];
    await waitFor('the index expanded on screen', async () => {
      // Revealed again while waiting: a redraw of the tree (another repository listed) can scroll it away.
      await explorer.revealImage(REGISTRY_KEY, REPOSITORY, digests.amd64, { select: true, focus: true, expand: true });
      visible = await visibleTreeRows();
      return visible.includes('linux/arm64') && visible.includes('attestation manifest') && visible.includes('signature');
    }).catch((error: Error) => assert.fail(`${error.message}; rows on screen: ${visible.join(' | ')}`));
    await screenshot('images-index-expanded');
    const hover = await hoverTreeRow('linux/arm64', '1.0');
    assert.match(hover, /Belongs to: image index 1\.0 \(sha256:[0-9a-f]{12}\)\. Deleting it alone would break that image\./, hover);
    await screenshot('images-platform-image-tooltip');
  });


  it('an SBOM of the index is an artifact row (no Pull, Check Image or Scan) and is deleted on its own after a plain confirmation; the index and its signature stay', async () => {
    const index = await registry.getManifest(REPOSITORY, '1.0');
    const empty = await pushJsonBlob(registry, REPOSITORY, {}, OCI_EMPTY);
    const document = await pushJsonBlob(registry, REPOSITORY, { spdxVersion: 'SPDX-2.3', name: 'operator' }, 'application/spdx+json');
    const sbom = await pushManifest(registry, REPOSITORY, { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/spdx+json', config: empty, layers: [document], subject: { mediaType: index.mediaType, digest: index.digest, size: index.bytes.length } });
    await waitFor('the SBOM listed by the ECR API', async () => (await listed(REPOSITORY)).includes(sbom.digest));
    explorer.refresh(REGISTRY_KEY, REPOSITORY);
    const row = await waitFor('the SBOM under the index', async () => find(find(await rowsOf(REPOSITORY), '1.0')?.children, 'SBOM'));
    assert.match(row.contextValue ?? '', /\bartifact\b/);
    assert.doesNotMatch(row.contextValue ?? '', /\bpullable\b/, 'Pull, Check Image and Scan are offered on pullable rows only');
    const node = await explorer.revealImage(REGISTRY_KEY, REPOSITORY, sbom.digest);
    modals().answerWith((request) => request.buttons[0]);
    try {
      const result = await vscode.commands.executeCommand<{ deleted: number; failures: string[]; refused: string[] }>('ecr.deleteImages', node);
      assert.deepEqual(result.refused, []);
      assert.equal(result.deleted, 1);
      const asked = modals().shown().at(-1)!;
      assert.equal(asked.message, `Delete 1 image from ${REPOSITORY}?`);
      assert.deepEqual(asked.buttons, ['Delete 1 Image']);
    } finally {
      modals().answerWith(undefined);
    }
    const left = await listed(REPOSITORY);
    assert.ok(!left.includes(sbom.digest) && left.includes(digests.index) && left.includes(digests.signature), 'only the SBOM went');
  });
  it('deleting one referrer of two behind the OCI 1.1 fallback tag: the confirmation says the index is rewritten, then the old index and the referrer go; the other referrer stays listed under the tag', async () => {
    const repository = `tree-${run}/referrers`;
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
    const subject = await pushPlatformImage(registry, repository, 'amd64', 1000, '2.0');
    const empty = await pushJsonBlob(registry, repository, {}, OCI_EMPTY);
    const referrer = async (artifactType: string, content: unknown) => {
      const layer = await pushJsonBlob(registry, repository, content, artifactType);
      const pushed = await pushManifest(registry, repository, { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType, config: empty, layers: [layer], subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } });
      return { ...pushed, artifactType };
    };
    const bundle = await referrer('application/vnd.dev.sigstore.bundle.v0.3+json', { verificationMaterial: {}, run });
    const sbom = await referrer('application/spdx+json', { spdxVersion: 'SPDX-2.3', name: run });
    const tag = `sha256-${subject.digest.slice('sha256:'.length)}`;
    const fallback = await pushManifest(registry, repository, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [bundle, sbom] }, tag);
    await waitFor('the image, its referrers and the fallback index listed by the ECR API', async () => {
      const all = await listed(repository);
      return [subject, bundle, sbom, fallback].every((pushed) => all.includes(pushed.digest)) || undefined;
    });
    // The repository was created after the registry was listed: list it again.
    explorer.refresh(REGISTRY_KEY);
    const node = await waitFor('the signature row under 2.0', () => explorer.revealImage(REGISTRY_KEY, repository, bundle.digest));
    modals().answerWith((request) => request.buttons[0]);
    try {
      const result = await vscode.commands.executeCommand<{ deleted: number; failures: string[]; refused: string[] } | undefined>('ecr.deleteImages', node);
      assert.ok(result, `the delete went ahead: ${JSON.stringify(modals().shown().at(-1))}`);
      assert.deepEqual(result.refused, []);
      assert.deepEqual(result.failures, []);
      assert.equal(result.deleted, 2);
      const asked = modals().shown().at(-1)!;
      assert.deepEqual(asked.buttons, ['Delete 2 Images']);
      const short = (digest: string) => digest.slice(0, 'sha256:'.length + 12);
      for (const line of [
        `• signature: ${short(bundle.digest)}`,
        `• old referrers index (fallback tag), replaced: ${short(fallback.digest)}`,
        `• rewritten first: the referrers fallback tag ${tag.slice(0, 19)}… (of ${short(subject.digest)}) gets a new index listing the 1 referrer that stay (SBOM ${short(sbom.digest)}), without ${short(bundle.digest)}; then its old index ${short(fallback.digest)}, untagged by then, is deleted, then the referrer.`,
      ]) {
        assert.ok(asked.detail?.includes(line), `the confirmation says "${line}": ${asked.detail}`);
      }
    } finally {
      modals().answerWith(undefined);
    }
    const now = await registry.getManifest(repository, tag);
    assert.notEqual(now.digest, fallback.digest, 'the tag names a new index');
    assert.deepEqual((now.manifest.manifests ?? []).map((descriptor) => descriptor.digest), [sbom.digest], 'the SBOM stays listed under the tag');
    assert.equal(await registry.headManifest(repository, fallback.digest), undefined, 'the old index is gone');
    assert.equal(await registry.headManifest(repository, bundle.digest), undefined, 'the signature is gone');
    assert.equal((await registry.headManifest(repository, '2.0'))?.digest, subject.digest);
  });

  it('refuses to delete a platform image alone, naming the index; deleting the index offers its children in one modal', async () => {
    const amd64 = await explorer.revealImage(REGISTRY_KEY, REPOSITORY, digests.amd64);
    const refused = await vscode.commands.executeCommand<{ deleted: number; refused: string[] }>('ecr.deleteImages', amd64);
    assert.equal(refused.deleted, 0);
    const refusal = modals().shown().at(-1)!;
    assert.match(refusal.message, /Nothing deleted: the image belongs to an index/);
    assert.match(refusal.detail ?? '', /linux\/amd64 image of 1\.0 \(sha256:[0-9a-f]{12}\)/, refusal.detail);
    assert.ok((await listed(REPOSITORY)).includes(digests.amd64), 'still in ECR');

    const index = await explorer.revealImage(REGISTRY_KEY, REPOSITORY, digests.index);
    // Cancel first: nothing goes.
    assert.equal(await vscode.commands.executeCommand('ecr.deleteImages', index), undefined);
    const offer = modals().shown().at(-1)!;
    assert.equal(offer.message, `Delete 1 image from ${REPOSITORY}?`);
    assert.deepEqual(offer.buttons, ['Delete 1 Image Only', 'Delete 6 Images'], 'the first (default) button deletes less');
    for (const line of ['• image index: 1.0', '• linux/amd64 image: sha256:', '• linux/arm64 image: sha256:', '• attestation manifest: sha256:', '• signature: sha256:']) {
      assert.ok(offer.detail?.includes(line), `the modal lists "${line}": ${offer.detail}`);
    }
    assert.match(offer.detail ?? '', /its platform images and attachments \(signatures, attestations, SBOMs\) \(5 · /);
    assert.ok((await listed(REPOSITORY)).includes(digests.index));

    // A selection of the index and one of its platform images is planned as a whole: nothing refused.
    modals().answerWith((request) => request.buttons.at(-1));
    const result = await vscode.commands.executeCommand<{ deleted: number; failures: string[]; refused: string[] }>('ecr.deleteImages', index, [index, amd64]);
    assert.deepEqual(result.refused, []);
    assert.deepEqual(result.failures, []);
    assert.equal(result.deleted, 6);
    assert.deepEqual(await listed(REPOSITORY), [digests.solo], 'the index, its platform images, attestations and signature are gone; solo stays');
  });

  it('shows an archived image in the Archived group; Pull, Inspect, Check, Add Tag and Copy refuse it with a Restore button; Restore shows its status until it is back', async () => {
    await front('/_front/archive', { repositoryName: REPOSITORY, imageDigest: digests.solo });
    explorer.refresh(REGISTRY_KEY, REPOSITORY);
    const rows = await rowsOf(REPOSITORY);
    const archived = find(rows, 'Archived');
    assert.equal(archived?.kind, 'archived');
    assert.match(archived?.description ?? '', /^1 image · restore to pull$/);
    assert.match(find(archived?.children, 'solo')?.description ?? '', /^archived just now · /);
    assert.match(find(archived?.children, 'solo')?.contextValue ?? '', /\barchived\b/);

    const solo = await explorer.revealImage(REGISTRY_KEY, REPOSITORY, digests.solo, { select: true, focus: true });
    await waitFor('the Archived group on screen', async () => (await visibleTreeRows()).includes('Archived'));
    await screenshot('images-archived-group');

    // ECR answers 404 for an archived image's manifest: each action that reads it says "restore first", with a Restore button.
    assert.equal(await vscode.commands.executeCommand('ecr.pullImage', solo), undefined);
    await waitFor('the refusal on screen', () => frameShows('Pull Image: the image :solo was archived'));
    for (const [command, title] of [['ecr.inspectImage', 'Inspect Image'], ['ecr.checkImage', 'Check Image'], ['ecr.addTag', 'Add Tag'], ['ecr.copyImage', 'Copy Image To']] as const) {
      assert.equal(await vscode.commands.executeCommand(command, solo), undefined, `${title} refuses an archived image`);
      await waitFor(`${title}'s refusal on screen`, () => frameShows(`${title}: the image :solo was archived`));
    }

    const restoring = vscode.commands.executeCommand<{ state: string }>('ecr.restoreImage', solo);
    await waitFor('"restoring…" on the row', async () => /restoring…|restore requested…/.test(find(find(await rowsOf(REPOSITORY), 'Archived')?.children, 'solo')?.description ?? ''));
    await screenshot('images-restoring');
    assert.equal((await restoring).state, 'restored');
    const after = await rowsOf(REPOSITORY);
    assert.deepEqual(after.map((row) => row.label), ['solo'], 'back among the pullable images, no Archived group');
  });

  it('sortBy "pulled" orders by last pull and says so; images not pulled for 90+ days are marked and match the "stale" filter', async () => {
    const day = 24 * 3600_000;
    await front('/_front/age', { repositoryName: AGED, imageDigest: digests.old, pushedAt: new Date(Date.now() - 200 * day).toISOString(), pulledAt: null });
    // A real pull of "fresh": the front records the registry's manifest GET as its last pull.
    await registry.getManifest(AGED, 'fresh');
    await vscode.workspace.getConfiguration('ecr').update('images.sortBy', 'pulled', vscode.ConfigurationTarget.Global);
    const rows = await waitFor('"fresh" pulled', async () => {
      explorer.refresh(REGISTRY_KEY, AGED);
      const current = await rowsOf(AGED);
      return /pulled/.test(find(current, 'fresh')?.description ?? '') ? current : undefined;
    });
    assert.deepEqual(rows.map((row) => row.label), ['fresh', 'old']);
    assert.match(find(rows, 'fresh')?.description ?? '', /^pulled just now · /);
    assert.match(find(rows, 'old')?.description ?? '', /^never pulled · not pulled for 90\+ days · [\d.]+ kB compressed$/);

    explorer.setFilter('stale');
    const filtered = await rowsOf(AGED);
    assert.deepEqual(filtered.map((row) => row.label), ['old']);
    assert.match(explorer.viewMessage() ?? '', /images not pulled for 90\+ days/);
    await explorer.reveal(REGISTRY_KEY, AGED, { expand: true, select: true, focus: true });
    await waitFor('"old" on screen', async () => (await visibleTreeRows()).includes('old'));
    await screenshot('images-stale-filter');
  });
});
