// On ECR a manifest read is a pull: a GET updates lastRecordedPullTime, and users report BatchGetImage
// doing the same (aws/containers-roadmap#2390). The extension must not change what it reports by
// looking (issue 20, "Why" 2 and 3): manifests are cached by digest across sessions (the extension's
// global storage; here a temporary directory, the same code), plain images are never read for
// grouping, and the lifecycle preview reuses what the tree read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClassifiedError } from '../../../src/core/ecr/errors';
import { listImages } from '../../../src/core/ecr/listing';
import { mediaTypeText } from '../../../src/core/ecr/format';
import { silentLogger } from '../../../src/core/log';
import { ExplorerModel } from '../../../src/core/explorer/model';
import type { RepositoryNode } from '../../../src/core/explorer/nodes';
import type { ExplorerSource } from '../../../src/core/explorer/source';
import { directoryStorage, ManifestCache } from '../../../src/core/images/manifestCache';
import { lifecyclePreviewInputs, mayReferenceOthers } from '../../../src/core/images/manifestsFromEcr';
import { evaluatePreflight, gatherPreflight } from '../../../src/core/images/preflight';
import type { RegistryClient } from '../../../src/core/registry/client';
import { registry as testRegistry, repository as testRepository } from '../explorer/fixtures';
import { digestOf, recordedEcr } from '../ecr/recordedEcr';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER = 'application/vnd.docker.distribution.manifest.v2+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const COSIGN = 'application/vnd.dev.cosign.artifact.sig.v1+json';

const config = (mediaType: string, seed: string) => ({ mediaType, digest: digestOf(seed), size: 10 });
const platformImage = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: config(OCI_CONFIG, 'p'), layers: [] });
const attestation = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: config('application/vnd.in-toto+json', 'a'), layers: [] });
const index = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_INDEX,
  manifests: [
    { mediaType: OCI_MANIFEST, digest: digestOf(platformImage), size: platformImage.length, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: OCI_MANIFEST, digest: digestOf(attestation), size: attestation.length, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': digestOf(platformImage) } },
  ],
});
const signature = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: COSIGN, config: config(COSIGN, 's'), layers: [], subject: { mediaType: OCI_INDEX, digest: digestOf(index), size: index.length } });
const plainTagged = JSON.stringify({ schemaVersion: 2, mediaType: DOCKER, config: config(DOCKER_CONFIG, 'x'), layers: [] });
const plainUntagged = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: config(OCI_CONFIG, 'y'), layers: [] });

/** The repository as ECR describes it: artifactMediaType on every image, the config's type on ordinary ones. */
const repository = () =>
  recordedEcr('operator', [
    { tags: ['1.0'], manifest: index, mediaType: OCI_INDEX },
    { manifest: platformImage, mediaType: OCI_MANIFEST, artifactMediaType: OCI_CONFIG },
    { manifest: attestation, mediaType: OCI_MANIFEST, artifactMediaType: 'application/vnd.in-toto+json' },
    { manifest: signature, mediaType: OCI_MANIFEST, artifactMediaType: COSIGN },
    { tags: ['old'], manifest: plainTagged, mediaType: DOCKER, artifactMediaType: DOCKER_CONFIG },
    { manifest: plainUntagged, mediaType: OCI_MANIFEST, artifactMediaType: OCI_CONFIG },
  ]);

const REPOSITORY = testRepository('operator');

/** One VS Code session's explorer: a new model and a new cache over the same storage directory. */
async function session(directory: string, ecr: ReturnType<typeof repository>, registryReads: string[]) {
  const images = await listImages(ecr.client, 'operator', { imageStatus: 'ANY' });
  const bytes = new Map(ecr.images.map((image) => [image.digest, image.manifest]));
  const source: ExplorerSource = {
    repositoryPage: async () => ({ items: [REPOSITORY] }),
    imagePage: async () => ({ items: images }),
    scanSummary: async () => ({ status: 'COMPLETE', counts: {} }),
    async manifest(_registry, _repository, digest) {
      registryReads.push(digest);
      return Buffer.from(bytes.get(digest)!, 'utf8');
    },
  };
  const cache = new ManifestCache(directoryStorage(directory));
  const classify = (error: unknown): ClassifiedError => ({ kind: 'unknown', message: 'failed', detail: String(error) });
  const model = new ExplorerModel({ classify, logger: silentLogger, source, manifestCache: cache });
  model.setRegistries([testRegistry('123456789012/us-east-1', 100)]);
  const expand = async () => {
    const [root] = await model.children();
    const node = (await model.children(root))[0] as RepositoryNode;
    await model.children(node);
    await model.imageGraph(node.registryKey, 'operator');
    return model.children(node);
  };
  return { cache, expand };
}

describe('manifest reads (each may count as a pull on ECR)', () => {
  it('two expands in two sessions, a lifecycle preview and two Check Image read each needed manifest once, and no plain image', async (t) => {
    const directory = await mkdtemp(path.join(tmpdir(), 'ecr-manifests-'));
    t.after(() => rm(directory, { recursive: true, force: true }));
    const ecr = repository();
    const registryReads: string[] = [];

    const first = await session(directory, ecr, registryReads);
    const rows = await first.expand();
    assert.deepEqual(rows.map((row) => (row.kind === 'image' ? row.tags.join(',') : row.kind)).sort(), ['1.0', 'old', 'untagged'], 'the index groups its platform image and attestation');
    assert.deepEqual(new Set(registryReads), new Set([digestOf(index), digestOf(signature)]), 'the index and the one artifact, never a plain image');

    const second = await session(directory, ecr, registryReads);
    await second.expand();
    assert.equal(registryReads.length, 2, 'a new session reads nothing again: the manifests are kept on disk');

    const preview = await lifecyclePreviewInputs(ecr.client, 'operator', { cache: second.cache });
    assert.deepEqual(ecr.manifestReads, [], 'the preview read nothing through BatchGetImage: the cache had what it needs');
    assert.deepEqual(preview.graph.nodes.get(digestOf(index))?.children.map((child) => child.digest), [digestOf(platformImage)], 'the platform image under its index (its attestation attached to it)');
    assert.deepEqual(preview.failures, []);
    assert.equal(registryReads.length + ecr.manifestReads.length, 2, 'two reads in all');

    // Check Image twice: the index comes from the cache; the platform image's manifest is read once.
    const checkReads: string[] = [];
    const registry = {
      getManifest: async (_repository: string, reference: string) => {
        checkReads.push(reference);
        const text = ecr.images.find((image) => image.digest === reference)?.manifest;
        if (!text) throw new Error(`unexpected read of ${reference}`);
        return { bytes: Buffer.from(text), digest: reference, manifest: JSON.parse(text), mediaType: JSON.parse(text).mediaType };
      },
      getBlobBytes: async () => Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', config: {}, history: [] })),
    } as unknown as RegistryClient;
    for (let check = 0; check < 2; check++) {
      const inputs = await gatherPreflight(ecr.client, registry, { repository: 'operator', reference: '1.0' }, { targetPlatform: 'linux/amd64' }, { manifests: second.cache });
      assert.equal(evaluatePreflight(inputs).checks.find((entry) => entry.name === 'platform')?.status, 'pass');
    }
    assert.deepEqual(checkReads, [digestOf(platformImage)], 'two checks read one manifest: the platform image, once');
  });

  it('without a cache the preview still reads only indexes and artifacts, never an ordinary image that carries artifactMediaType', async () => {
    const ecr = repository();
    await lifecyclePreviewInputs(ecr.client, 'operator');
    assert.deepEqual(new Set(ecr.manifestReads), new Set([digestOf(index), digestOf(signature)]));
    assert.equal(mayReferenceOthers({ mediaType: DOCKER, artifactMediaType: DOCKER_CONFIG }), false);
    assert.equal(mayReferenceOthers({ mediaType: OCI_MANIFEST, artifactMediaType: COSIGN }), true);
  });

  it('the hover calls an image an artifact only when it is one', () => {
    assert.equal(mediaTypeText({ mediaType: DOCKER, artifactMediaType: DOCKER_CONFIG }), `Media type: \`${DOCKER}\``);
    assert.equal(mediaTypeText({ mediaType: OCI_MANIFEST, artifactMediaType: COSIGN }), `Media type: \`${OCI_MANIFEST}\`, artifact \`${COSIGN}\``);
  });
});

describe('manifest cache', () => {
  it('keeps only bytes that hash to their digest, drops a damaged file, and stays within its bounds', async (t) => {
    const directory = await mkdtemp(path.join(tmpdir(), 'ecr-manifests-'));
    t.after(() => rm(directory, { recursive: true, force: true }));
    const texts = ['{"schemaVersion":2,"n":1}', '{"schemaVersion":2,"n":2}', '{"schemaVersion":2,"n":3}'];
    const cache = new ManifestCache(directoryStorage(directory), { entries: 2 });
    for (const text of texts) await cache.read(digestOf(text), async () => text);
    assert.equal((await readdir(directory)).length, 2, 'at most two entries on disk');

    // Bytes that do not hash to the digest they were asked for are used, never stored.
    await cache.read(digestOf('other'), async () => '{"schemaVersion":2,"n":4}');
    assert.ok(!(await readdir(directory)).includes(digestOf('other').slice(7)));

    // A file changed on disk no longer hashes to its name: it is dropped and read again.
    const kept = texts[2];
    await writeFile(path.join(directory, digestOf(kept).slice(7)), '{"schemaVersion":2,"n":"tampered"}');
    const fresh = new ManifestCache(directoryStorage(directory));
    let reads = 0;
    const manifest = await fresh.read(digestOf(kept), async () => (reads++, kept));
    assert.equal(reads, 1);
    assert.deepEqual(manifest, JSON.parse(kept));
    assert.deepEqual(await new ManifestCache(directoryStorage(directory)).cached(digestOf(kept)), JSON.parse(kept), 'stored again, correct this time');
  });
});
