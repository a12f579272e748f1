/**
 * A two-platform build through the real Docker Engine (classic builder, `platform` per build; the
 * Dockerfile has no RUN step, so arm64 needs no emulation), each pushed to the registry, then one
 * index under the tags: ECR lists the index tagged and its platform images, and the graph groups
 * them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { buildAndPushPlatforms } from '../../../src/core/docker/multiPlatform';
import { DockerodeEngine } from '../../../src/core/docker/dockerodeEngine';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { fetchRegistryAuth } from '../../support/ecrAuth';
import { resolveEngineHost } from '../../../src/core/docker/engineHost';
import type { BuildPushReporter } from '../../../src/core/docker/buildAndPush';
import { buildImageGraph, platformsOf } from '../../../src/core/images/graph';
import { toImageSummary } from '../../../src/core/ecr/listing';
import type { Manifest } from '../../../src/core/registry/mediaTypes';
import { stackFor, untilListed } from '../../support/stack';
import { imagesStack, untilAllListed, type ImagesStack } from './setup';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
const REPOSITORY = `multibuild-${run}/operator`;

describe('multi-platform build and push', { skip }, () => {
  let stack: ImagesStack;
  let context: string;
  const lines: string[] = [];
  const reporter: BuildPushReporter = { line: (text) => lines.push(text), note: (text) => lines.push(text), live: () => {}, endLive: () => {}, phase: () => {} };

  before(async () => {
    stack = await imagesStack(env);
    context = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-multibuild-'));
    writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY model.txt /app/model.txt\nLABEL org.opencontainers.image.base.name=aqueducthq/function310:0.3.6\n');
    writeFileSync(path.join(context, 'model.txt'), `model ${run}\n`);
  });

  after(() => {
    stack?.cli.cleanup();
    if (context) rmSync(context, { recursive: true, force: true });
  });

  it('pushes linux/amd64 and linux/arm64 as one index under the tags, the repository created on the way', async () => {
    const outcome = await buildAndPushPlatforms(
      { dockerfile: path.join(context, 'Dockerfile'), context, repository: REPOSITORY, tags: ['1.0', 'latest'], platforms: ['linux/amd64', 'linux/arm64'], createRepository: true, network: 'none' },
      {
        engine: new DockerodeEngine(resolveEngineHost({ setting: env.dockerHost })),
        auth: () => fetchRegistryAuth(stack.ecr, { registryHostOverride: env.registryHost }),
        repositories: ecrRepositoryGate(stack.ecr),
        reporter,
        registry: stack.registry(),
        ecr: stack.ecr,
      },
    );
    assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
    if (outcome.status !== 'succeeded') return;
    assert.deepEqual(outcome.platforms.map((image) => `${image.platform.os}/${image.platform.architecture}`), ['linux/amd64', 'linux/arm64']);
    assert.deepEqual(outcome.leftTags, []);
    await untilListed(stack.ecr, REPOSITORY, '1.0', outcome.digest);
    await untilListed(stack.ecr, REPOSITORY, 'latest', outcome.digest);
    const details = await untilAllListed(stack.ecr, REPOSITORY, [outcome.digest, ...outcome.platforms.map((image) => image.digest)]);
    const summaries = details.map(toImageSummary);
    const manifests = new Map<string, Manifest>();
    for (const summary of summaries) manifests.set(summary.digest, (await stack.registry().getManifest(REPOSITORY, summary.digest)).manifest);
    const graph = buildImageGraph(summaries, manifests);
    const index = graph.nodes.get(outcome.digest)!;
    assert.equal(platformsOf(index), 'linux/amd64, linux/arm64');
    assert.deepEqual(graph.untagged, [], 'the platform images belong to the index');
    // The temporary per-platform tags were removed through ECR; the platform images stay, untagged.
    const platformDetails = (await stack.ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: outcome.platforms.map((image) => ({ imageDigest: image.digest })) }))).imageDetails ?? [];
    assert.deepEqual(platformDetails.map((detail) => detail.imageTags ?? []), [[], []]);
    assert.deepEqual((await stack.ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: outcome.digest }] }))).imageDetails?.[0]?.imageTags?.sort(), ['1.0', 'latest']);
    assert.ok(!lines.join('\n').includes(stack.password), 'the token never reaches the output');
  });
});
