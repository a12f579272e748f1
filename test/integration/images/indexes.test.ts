/**
 * Multi-arch images as ECR stores them, made by real tools (docker import --platform, docker push,
 * docker manifest create/push, and BuildKit's attestation layout pushed through the registry
 * client), listed through the ECR API (moto behind the ECR front): grouping, inspect without a
 * layer fetched (counted at a proxy before the registry), and delete plans carried out with
 * BatchDeleteImage.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { toImageSummary } from '../../../src/core/ecr/listing';
import { batchDeleteImages } from '../../../src/core/ecr/management';
import { buildImageGraph, platformsOf, type ImageGraph } from '../../../src/core/images/graph';
import { planDelete } from '../../../src/core/images/deletePlan';
import { inspectImage } from '../../../src/core/images/inspect';
import type { Manifest } from '../../../src/core/registry/mediaTypes';
import { pushMultiArch, type MultiArchImages } from '../../support/multiArch';
import { countingProxy, type CountingProxy } from '../../support/registries';
import { stackFor } from '../../support/stack';
import { createRepository, imagesStack, untilAllListed, type ImagesStack } from './setup';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
const REPOSITORY = `images-${run}/operator`;
const STAGING = `images-${run}/staging`;

describe('multi-arch images in ECR', { skip }, () => {
  let stack: ImagesStack;
  let images: MultiArchImages;
  let proxy: CountingProxy;

  const graphNow = async (): Promise<ImageGraph> => {
    const details = (await stack.ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY }))).imageDetails ?? [];
    const summaries = details.map(toImageSummary);
    const registry = stack.registry();
    const manifests = new Map<string, Manifest>();
    for (const summary of summaries) manifests.set(summary.digest, (await registry.getManifest(REPOSITORY, summary.digest)).manifest);
    return buildImageGraph(summaries, manifests);
  };

  before(async () => {
    stack = await imagesStack(env);
    await createRepository(stack.ecr, REPOSITORY);
    await createRepository(stack.ecr, STAGING);
    images = await pushMultiArch(stack.cli, stack.registry(), env.registryHost, REPOSITORY, STAGING);
    await untilAllListed(stack.ecr, REPOSITORY, [images.list, images.index, images.amd64, images.arm64, images.attestations.amd64, images.attestations.arm64, images.signature]);
    proxy = await countingProxy(env.registryHost);
  });

  after(async () => {
    stack?.cli.cleanup();
    await proxy?.close();
  });

  it('groups the two indexes with their platform images, attestations and signature; nothing is Untagged', async () => {
    const graph = await graphNow();
    assert.deepEqual(graph.untagged.map((node) => node.digest), [], 'every untagged image here belongs to an index');
    assert.deepEqual(graph.roots.map((node) => node.digest).sort(), [images.index, images.list].sort());
    const index = graph.nodes.get(images.index)!;
    const list = graph.nodes.get(images.list)!;
    assert.equal(index.kind, 'index');
    assert.equal(list.kind, 'index');
    assert.equal(platformsOf(index), 'linux/amd64, linux/arm64');
    assert.equal(platformsOf(list), 'linux/amd64, linux/arm64', 'docker manifest create reads each image\'s platform');
    assert.deepEqual(index.children.map((node) => node.digest), [images.amd64, images.arm64]);
    assert.deepEqual(graph.nodes.get(images.amd64)!.attachments.map((node) => [node.digest, node.kind]), [[images.attestations.amd64, 'attestation']]);
    assert.deepEqual(graph.nodes.get(images.arm64)!.attachments.map((node) => [node.digest, node.kind]), [[images.attestations.arm64, 'attestation']]);
    assert.deepEqual(index.attachments.map((node) => [node.digest, node.kind]), [[images.signature, 'signature']]);
    assert.deepEqual(graph.nodes.get(images.amd64)!.referencedBy.sort(), [images.index, images.list].sort());
    const amdSize = graph.nodes.get(images.amd64)!.sizeBytes;
    assert.ok(amdSize > 0, 'ECR (the front) reports the platform image\'s layer size');
    assert.equal(index.sizeBytes, amdSize + graph.nodes.get(images.arm64)!.sizeBytes);
  });

  it('inspects the index per platform from manifests and configs only: no layer is fetched', async () => {
    proxy.requests.length = 0;
    const registry = stack.registry({ host: proxy.host });
    const inspection = await inspectImage(registry, REPOSITORY, '1.0');
    assert.equal(inspection.isIndex, true);
    assert.equal(inspection.digest, images.index);
    assert.deepEqual(inspection.platforms.map((platform) => platform.platform), ['linux/amd64', 'linux/arm64']);
    assert.deepEqual(inspection.attestations.map((attestation) => attestation.digest), [images.attestations.amd64, images.attestations.arm64]);
    for (const platform of inspection.platforms) {
      const env = Object.fromEntries(platform.config.env.map((entry) => [entry.name, entry]));
      assert.equal(env.HF_TOKEN.masked, true);
      assert.ok(!JSON.stringify(inspection).includes('hf_not_a_real_token'), 'the secret value never leaves inspect');
      assert.equal(platform.config.workdir, '/app');
      assert.deepEqual(platform.config.ports, ['8080/tcp']);
      assert.equal(platform.config.labels['org.opencontainers.image.base.name'], 'aqueducthq/function310:0.3.6');
      assert.equal(platform.config.layers.length, 1);
      assert.ok(platform.config.layers[0].sizeBytes > 0);
    }
    const layers = new Set(inspection.platforms.flatMap((platform) => platform.config.layers.map((layer) => layer.digest)));
    const configs = new Set(inspection.platforms.map((platform) => platform.manifest.config!.digest));
    const blobGets = proxy.requests.filter((request) => request.method === 'GET' && request.path.includes('/blobs/'));
    assert.ok(blobGets.every((request) => !layers.has(request.path.split('/blobs/')[1])), `a layer was fetched: ${JSON.stringify(blobGets)}`);
    assert.deepEqual(blobGets.map((request) => request.path.split('/blobs/')[1]).sort(), [...configs].sort(), 'exactly the two config blobs');
    assert.equal(proxy.requests.filter((request) => request.path.includes('/manifests/')).length, 3, 'the index and its two platform manifests');
    assert.equal(proxy.requests.length, 5);
  });

  it('refuses deleting a platform image alone, and cascades an index while the other index still lists its platform images', async () => {
    let graph = await graphNow();
    const refused = planDelete(graph, [images.amd64], { cascade: false });
    assert.deepEqual(refused.deletes, []);
    assert.match(refused.refused[0].reason, /1\.0|multi/);
    assert.deepEqual(refused.refused[0].referencedBy.sort(), [images.index, images.list].sort());

    const plan = planDelete(graph, [images.index], { cascade: true });
    // The index goes first; its signature (which names it as subject, not listed by it) may go in the same round.
    assert.deepEqual(plan.steps[0].sort(), [images.index, images.signature].sort(), 'the index goes first');
    assert.deepEqual(plan.deletes.map((image) => image.digest).sort(), [images.index, images.attestations.amd64, images.attestations.arm64, images.signature].sort());
    assert.deepEqual(plan.keptShared.map((image) => image.digest).sort(), [images.amd64, images.arm64].sort());
    for (const step of plan.steps) {
      const result = await batchDeleteImages(stack.ecr, { repository: REPOSITORY, imageIds: step.map((imageDigest) => ({ imageDigest })) });
      assert.deepEqual(result.failures, []);
    }
    graph = await graphNow();
    assert.deepEqual([...graph.nodes.keys()].sort(), [images.list, images.amd64, images.arm64].sort());
    assert.equal(await stack.registry().headManifest(REPOSITORY, images.index), undefined, 'the front mirrors ECR deletes to the registry');

    const rest = planDelete(graph, [images.list], { cascade: true });
    assert.deepEqual(rest.keptShared, []);
    for (const step of rest.steps) await batchDeleteImages(stack.ecr, { repository: REPOSITORY, imageIds: step.map((imageDigest) => ({ imageDigest })) });
    assert.deepEqual((await stack.ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY }))).imageDetails, []);
    assert.equal(await stack.registry().headManifest(REPOSITORY, images.arm64), undefined);
  });
});
