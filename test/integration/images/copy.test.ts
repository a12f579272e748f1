/**
 * Copy / promote without pulling, with real multi-arch images: a whole index (platform images,
 * attestations, signature) to a repository ECR does not have yet (created through the repository
 * gate) in the same registry, where blobs are mounted; again, where everything is skipped; to a
 * second registry, where blobs are streamed; and a cancelled copy, which leaves no tag.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { copyImage, CopyCancelledError, type CopyProgress } from '../../../src/core/images/copy';
import { RegistryClient } from '../../../src/core/registry/client';
import { pushMultiArch, type MultiArchImages } from '../../support/multiArch';
import { startSecondRegistry, type SecondRegistry } from '../../support/registries';
import { MOTO_REGISTRY_PASSWORD, stackFor, untilListed } from '../../support/stack';
import { createRepository, imagesStack, untilAllListed, type ImagesStack } from './setup';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
const SOURCE = `copy-${run}/src`;
const STAGING = `copy-${run}/staging`;
const PROMOTED = `copy-${run}/promoted`;

describe('copy and promote', { skip }, () => {
  let stack: ImagesStack;
  let images: MultiArchImages;
  let second: SecondRegistry;
  let secondClient: RegistryClient;
  let all: string[];

  before(async () => {
    stack = await imagesStack(env);
    await createRepository(stack.ecr, SOURCE);
    await createRepository(stack.ecr, STAGING);
    images = await pushMultiArch(stack.cli, stack.registry(), env.registryHost, SOURCE, STAGING);
    all = [images.index, images.amd64, images.arm64, images.attestations.amd64, images.attestations.arm64, images.signature];
    await untilAllListed(stack.ecr, SOURCE, all);
    second = await startSecondRegistry(MOTO_REGISTRY_PASSWORD);
    secondClient = new RegistryClient({ host: second.host, credentials: async () => ({ username: 'AWS', password: MOTO_REGISTRY_PASSWORD }) });
  });

  after(async () => {
    stack?.cli.cleanup();
    await second?.stop();
  });

  it('copies a whole index into a new repository of the same registry by mounting every blob; ECR lists it all with equal digests', async () => {
    const progress: CopyProgress[] = [];
    const result = await copyImage({
      source: { client: stack.registry(), repository: SOURCE, reference: '1.0' },
      target: { client: stack.registry(), repository: PROMOTED, tags: ['1.0', 'prod'] },
      attachments: [images.signature],
      gate: ecrRepositoryGate(stack.ecr),
      onProgress: (report) => progress.push(report),
    });
    assert.equal(result.createdRepository, true);
    assert.equal(result.digest, images.index);
    assert.deepEqual(result.manifests.sort(), [...all].sort());
    assert.equal(result.blobs.streamed, 0, 'nothing streamed within one registry');
    assert.ok(result.blobs.mounted > 0);
    assert.equal(result.blobs.mounted + result.blobs.skipped, progress.at(-1)!.blobsTotal);
    assert.equal(progress.at(-1)!.bytesDone, progress.at(-1)!.bytesTotal);
    await untilListed(stack.ecr, PROMOTED, 'prod', images.index);
    await untilAllListed(stack.ecr, PROMOTED, all);
    for (const digest of all) {
      const [from, to] = await Promise.all([stack.registry().getManifest(SOURCE, digest), stack.registry().getManifest(PROMOTED, digest)]);
      assert.ok(from.bytes.equals(to.bytes), `${digest}: same bytes`);
    }
  });

  it('skips every blob the target already has', async () => {
    const result = await copyImage({
      source: { client: stack.registry(), repository: SOURCE, reference: '1.0' },
      target: { client: stack.registry(), repository: PROMOTED, tags: ['again'] },
      gate: ecrRepositoryGate(stack.ecr),
    });
    assert.equal(result.createdRepository, false);
    assert.equal(result.blobs.mounted + result.blobs.streamed, 0);
    // Every manifest is there already (read by digest first): nothing is written again, no blob even asked for.
    assert.equal(result.alreadyThere, result.manifests.length);
  });

  it('streams to a second registry, with progress by bytes, and the digests are equal there', async () => {
    const progress: CopyProgress[] = [];
    const result = await copyImage({
      source: { client: stack.registry(), repository: SOURCE, reference: '1.0' },
      target: { client: secondClient, repository: 'team/promoted', tags: ['1.0'] },
      attachments: [images.signature],
      onProgress: (report) => progress.push(report),
      uploadMode: 'chunked',
    });
    assert.equal(result.blobs.mounted, 0);
    assert.equal(result.blobs.streamed, progress.at(-1)!.blobsTotal);
    assert.equal(result.bytesStreamed, progress.at(-1)!.bytesTotal);
    assert.ok(progress.every((report, index) => index === 0 || report.bytesDone >= progress[index - 1].bytesDone), 'progress only grows');
    assert.equal((await secondClient.headManifest('team/promoted', '1.0'))?.digest, images.index);
    for (const digest of all) assert.equal((await secondClient.getManifest('team/promoted', digest)).digest, digest);
  });

  it('streams each blob in one PATCH (the default upload) and the digests are equal there', async () => {
    const result = await copyImage({
      source: { client: stack.registry(), repository: SOURCE, reference: '1.0' },
      target: { client: secondClient, repository: 'team/streamed', tags: ['1.0'] },
    });
    assert.ok(result.blobs.streamed > 0);
    assert.equal(result.blobs.mounted, 0);
    assert.equal((await secondClient.headManifest('team/streamed', '1.0'))?.digest, images.index);
    for (const digest of [images.amd64, images.arm64]) {
      const manifest = (await secondClient.getManifest('team/streamed', digest)).manifest;
      for (const layer of manifest.layers ?? []) assert.equal(await secondClient.headBlob('team/streamed', layer.digest), layer.size);
    }
  });

  it('a cancelled copy leaves no tag at the target', async () => {
    const controller = new AbortController();
    await assert.rejects(
      copyImage({
        source: { client: stack.registry(), repository: SOURCE, reference: '1.0' },
        target: { client: secondClient, repository: 'team/cancelled', tags: ['1.0'] },
        signal: controller.signal,
        concurrency: 1,
        onProgress: (report) => {
          if (report.blobsDone >= 1) controller.abort();
        },
      }),
      CopyCancelledError,
    );
    assert.equal(await secondClient.headManifest('team/cancelled', '1.0'), undefined);
    assert.equal(await secondClient.headManifest('team/cancelled', images.index), undefined);
  });
});
