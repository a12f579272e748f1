/**
 * The explorer model over images as they really are: an index as one row with its platform images
 * and attachments under it (manifests read lazily, indexes only, rows first), the Archived group,
 * ecr.images.sortBy and the "stale" filter.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassifiedError } from '../../../src/core/ecr/errors';
import type { ImageSummary } from '../../../src/core/ecr/listing';
import { silentLogger } from '../../../src/core/log';
import { ExplorerModel } from '../../../src/core/explorer/model';
import type { ExplorerNode, ImageNode, RepositoryNode } from '../../../src/core/explorer/nodes';
import type { ExplorerSource } from '../../../src/core/explorer/source';
import { registry as testRegistry, repository as testRepository } from './fixtures';
import { ATTESTATION_MANIFEST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, REFERENCE_DIGEST, REFERENCE_TYPE, type Manifest } from '../../../src/core/registry/mediaTypes';

const NOW = new Date('2026-11-30T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 3600_000);
const digest = (name: string) => `sha256:${name.padEnd(64, '0')}`;

const REPOSITORY = testRepository('operator');

const image = (name: string, fields: Partial<ImageSummary> = {}): ImageSummary => ({
  repository: 'operator',
  registryId: '123456789012',
  digest: digest(name),
  tags: [],
  pushedAt: daysAgo(1),
  mediaType: OCI_MANIFEST,
  ...fields,
});

/** A BuildKit-style index (two platforms, one attestation each), a signature naming it, and others. */
function multiArchRepository() {
  const images = [
    image('a1', { tags: ['1.0'], mediaType: OCI_INDEX, sizeBytes: 700 }),
    image('b1', { sizeBytes: 700, lastPulledAt: daysAgo(2) }),
    image('c1', { sizeBytes: 300 }),
    image('d1', { sizeBytes: 10 }),
    image('e1', { sizeBytes: 10 }),
    image('f1', { sizeBytes: 5, artifactMediaType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }),
    image('99', { sizeBytes: 50, mediaType: DOCKER_MANIFEST, pushedAt: daysAgo(200) }),
    image('0a', { tags: ['old'], sizeBytes: 40, mediaType: DOCKER_MANIFEST, pushedAt: daysAgo(300), lastPulledAt: daysAgo(120) }),
  ];
  const attestation = (of: string) => ({ annotations: { [REFERENCE_TYPE]: ATTESTATION_MANIFEST, [REFERENCE_DIGEST]: digest(of) }, platform: { os: 'unknown', architecture: 'unknown' } });
  const manifests = new Map<string, Manifest>([
    [
      digest('a1'),
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { mediaType: OCI_MANIFEST, digest: digest('b1'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: OCI_MANIFEST, digest: digest('c1'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          { mediaType: OCI_MANIFEST, digest: digest('d1'), size: 1, ...attestation('b1') },
          { mediaType: OCI_MANIFEST, digest: digest('e1'), size: 1, ...attestation('c1') },
        ],
      },
    ],
    [digest('f1'), { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json', layers: [], subject: { mediaType: OCI_INDEX, digest: digest('a1'), size: 1 } }],
  ]);
  return { images, manifests };
}

function setup(images: ImageSummary[], manifests = new Map<string, Manifest>()) {
  const fetched: string[] = [];
  let release: () => void = () => {};
  const gate = { held: false, opened: Promise.resolve() };
  const source: ExplorerSource = {
    repositoryPage: async () => ({ items: [REPOSITORY] }),
    imagePage: async () => ({ items: images }),
    scanSummary: async () => ({ status: 'COMPLETE', counts: {} }),
    async manifest(_registry, _repository, wanted) {
      fetched.push(wanted);
      if (gate.held) await gate.opened;
      const found = manifests.get(wanted);
      if (!found) throw new Error(`MANIFEST_UNKNOWN ${wanted}`);
      return found;
    },
  };
  const registry = testRegistry('123456789012/us-east-1', 100);
  const classify = (error: unknown): ClassifiedError => ({ kind: 'unknown', message: 'failed', detail: String(error) });
  const model = new ExplorerModel({ classify, logger: silentLogger, source, now: () => NOW.getTime() });
  model.setRegistries([registry]);
  const changes: Array<ExplorerNode | undefined> = [];
  model.onDidChange((node) => changes.push(node));
  const repositoryNode = async () => {
    const [root] = await model.children();
    return (await model.children(root))[0] as RepositoryNode;
  };
  const hold = () => {
    gate.held = true;
    gate.opened = new Promise<void>((resolve) => (release = resolve));
  };
  return { model, fetched, repositoryNode, hold, release: () => release(), changes, registry };
}

const rowText = (node: ExplorerNode) => (node.kind === 'image' ? (node.tags.join(', ') || node.platform || node.role || node.image.digest.slice(7, 9)) : node.kind);

describe('explorer model: images grouped by their index', () => {
  it('shows rows first, then fills in the index: one row with platforms and total size, children under it, nothing Untagged', async () => {
    const { images, manifests } = multiArchRepository();
    const { model, fetched, repositoryNode, hold, release, changes } = setup(images, manifests);
    hold();
    const repository = await repositoryNode();
    const first = await model.children(repository);
    assert.deepEqual(first.map(rowText), ['1.0', 'old', 'untagged'], 'before the manifests arrive: every image listed, the index row waiting');
    const pendingIndex = first[0] as ImageNode;
    assert.equal(pendingIndex.detailsPending, true);
    assert.equal(pendingIndex.childCount, undefined);

    release();
    await model.imageGraph(repository.registryKey, 'operator');
    assert.ok(changes.includes(repository), 'the repository row is redrawn once the index is read');
    const rows = await model.children(repository);
    assert.deepEqual(rows.map(rowText), ['1.0', 'old', 'untagged'], 'the untagged group still holds the one unreferenced image');
    const untagged = await model.children(rows[2]);
    assert.deepEqual(untagged.map((node) => (node as ImageNode).image.digest), [digest('99')], 'only the image nothing references');

    const index = rows[0] as ImageNode;
    assert.equal(index, pendingIndex, 'the same row object, updated in place');
    assert.equal(index.detailsPending, undefined);
    assert.equal(index.platforms, 'linux/amd64, linux/arm64/v8');
    assert.equal(index.totalBytes, 1000, 'the platform images together');
    assert.equal(index.childCount, 3);
    model.setExpanded(index, true);
    await model.children(repository);
    assert.equal(index.expanded, true, 'an expanded index stays expanded when the repository redraws');

    const children = (await model.children(index)) as ImageNode[];
    assert.deepEqual(children.map((node) => [node.platform, node.role]), [
      ['linux/amd64', 'linux/amd64 image'],
      ['linux/arm64/v8', 'linux/arm64/v8 image'],
      [undefined, 'signature'],
    ]);
    assert.deepEqual(children[0].belongsTo, [`image index 1.0 (${digest('a1').slice(0, 19)})`], 'the tooltip names the index');
    const amd64Children = (await model.children(children[0])) as ImageNode[];
    assert.deepEqual(amd64Children.map((node) => node.role), ['attestation manifest']);
    assert.deepEqual(amd64Children[0].belongsTo?.length, 2, 'listed by the index and describing the amd64 image');

    assert.deepEqual(new Set(fetched), new Set([digest('a1'), digest('f1')]), 'read: the index, and the one untagged OCI manifest no index lists; platform images and attestations never');
  });

  it('a manifest that cannot be read leaves the index row as it is listed, and it is not asked for again', async () => {
    const { images } = multiArchRepository();
    const { model, fetched, repositoryNode } = setup(images, new Map());
    const repository = await repositoryNode();
    await model.children(repository);
    await model.imageGraph(repository.registryKey, 'operator');
    const [index] = (await model.children(repository)) as ImageNode[];
    assert.equal(index.detailsPending, undefined);
    assert.equal(index.platforms, undefined);
    const count = fetched.length;
    await model.children(repository);
    await model.imageGraph(repository.registryKey, 'operator');
    assert.equal(fetched.length, count);
  });
});

describe('explorer model: archived images, last pulls, stale', () => {
  const images = [
    image('11', { tags: ['fresh'], mediaType: DOCKER_MANIFEST, pushedAt: daysAgo(3), lastPulledAt: daysAgo(100) }),
    image('22', { tags: ['pulled'], mediaType: DOCKER_MANIFEST, pushedAt: daysAgo(30), lastPulledAt: daysAgo(1) }),
    image('33', { tags: ['2024'], mediaType: DOCKER_MANIFEST, pushedAt: daysAgo(400), status: 'ARCHIVED', lastArchivedAt: daysAgo(10) }),
  ];

  it('archived images sit in an Archived group, not among the pullable ones, nor among the tags build-from offers', async () => {
    const { model, repositoryNode } = setup(images);
    const repository = await repositoryNode();
    const rows = await model.children(repository);
    assert.deepEqual(rows.map(rowText), ['fresh', 'pulled', 'archived']);
    const archived = (await model.children(rows[2])) as ImageNode[];
    assert.deepEqual(archived.map((node) => node.tags[0]), ['2024']);
    assert.equal(archived[0].image.lastArchivedAt?.getTime(), daysAgo(10).getTime());
    assert.deepEqual(model.knownImages()[0].tags, ['fresh', 'pulled']);
    assert.equal(model.listedImage(repository.registryKey, 'operator', { tag: '2024' })?.status, 'ARCHIVED');
  });

  it('sortBy pulled orders by last pull; the stale marker and the "stale" filter', async () => {
    const { model, repositoryNode } = setup(images);
    const repository = await repositoryNode();
    let rows = (await model.children(repository)) as ImageNode[];
    assert.deepEqual(rows.slice(0, 2).map((node) => [node.tags[0], node.sortBy, Boolean(node.stale)]), [
      ['fresh', 'pushed', true],
      ['pulled', 'pushed', false],
    ]);
    model.setSortBy('pulled');
    rows = (await model.children(repository)) as ImageNode[];
    assert.deepEqual(rows.slice(0, 2).map((node) => [node.tags[0], node.sortBy]), [
      ['pulled', 'pulled'],
      ['fresh', 'pulled'],
    ]);
    model.setFilter('Stale');
    assert.deepEqual((await model.children(repository)).map(rowText), ['fresh'], 'only the image not pulled for 90+ days');
    const [root] = await model.children();
    assert.deepEqual((await model.children(root)).map((node) => node.kind), ['repository'], 'the repository holding it stays listed');
  });

  it('a restore shows on the row until it ends', async () => {
    const { model, repositoryNode, changes } = setup(images);
    const repository = await repositoryNode();
    const rows = await model.children(repository);
    const [archived] = (await model.children(rows[2])) as ImageNode[];
    model.setRestoreStatus(repository.registryKey, 'operator', archived.image.digest, 'restoring…');
    assert.equal(archived.restoreStatus, 'restoring…');
    assert.ok(changes.includes(archived));
    model.setRestoreStatus(repository.registryKey, 'operator', archived.image.digest, undefined);
    assert.equal(archived.restoreStatus, undefined);
  });
});
