/**
 * The local ECR answers as ECR's documentation and API model say, where moto alone does not
 * (issue 20; each rule with its source in test/stack/README.md): through a front of this suite's
 * own before the stack's moto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreatePullThroughCacheRuleCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ListImagesCommand,
  PutImageCommand,
  UpdateImageStorageClassCommand,
} from '@aws-sdk/client-ecr';
import { stackFor } from '../../support/stack';
import { EcrFront } from '../../stack/ecrFront';
import { manifestFor } from '../../support/manifest';
import { frontForSuite, motoClient, putImage } from './fixtures';

const { env, skip } = stackFor('moto');
const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { name: string });
const INDEX = 'application/vnd.oci.image.index.v1+json';

describe('the local ECR follows ECR\'s API model and docs', { skip }, () => {
  const suite = frontForSuite(env.motoUrl);

  it('pull-through prefixes: the model\'s `__` and `--` separators are accepted, ROOT with an upstream prefix is refused', async () => {
    for (const ecrRepositoryPrefix of ['team__a', 'my--app', 'a.b_c-d']) {
      const created = await suite.client.send(new CreatePullThroughCacheRuleCommand({ ecrRepositoryPrefix, upstreamRegistryUrl: 'public.ecr.aws' }));
      assert.equal(created.ecrRepositoryPrefix, ecrRepositoryPrefix);
    }
    for (const ecrRepositoryPrefix of ['a', 'x'.repeat(31), 'Upper', 'a___b']) {
      const error = await rejection(suite.client.send(new CreatePullThroughCacheRuleCommand({ ecrRepositoryPrefix, upstreamRegistryUrl: 'public.ecr.aws' })));
      assert.equal(error?.name, 'InvalidParameterException', `prefix ${ecrRepositoryPrefix}`);
    }
    const root = await rejection(suite.client.send(new CreatePullThroughCacheRuleCommand({
      ecrRepositoryPrefix: 'ROOT',
      upstreamRegistryUrl: '210987654321.dkr.ecr.us-west-2.amazonaws.com',
      upstreamRepositoryPrefix: 'upstream-app',
    })));
    assert.equal(root?.name, 'InvalidParameterException');
    assert.match(root?.message ?? '', /only when the ECR repository prefix is not ROOT/);
  });

  it('pull-through from ECR Public Premium: ecr-premium.aws.com with both roles; upstreamRoleArn refused elsewhere or without customRoleArn', async () => {
    // Plain HTTP: the SDK of this release drops upstreamRoleArn (the model has it; src/core/ecr adds it itself).
    const create = (body: Record<string, unknown>) =>
      fetch(suite.front.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.CreatePullThroughCacheRule' },
        body: JSON.stringify(body),
      });
    const roles = { customRoleArn: 'arn:aws:iam::123456789012:role/ecr-pull-through', upstreamRoleArn: 'arn:aws:iam::123456789012:role/ecr-premium-reader' };
    const created = await create({ ecrRepositoryPrefix: 'premium', upstreamRegistryUrl: 'ecr-premium.aws.com', upstreamRegistry: 'ecr-public-premium', ...roles });
    assert.equal(created.status, 200, await created.clone().text());
    const body = (await created.json()) as Record<string, unknown>;
    assert.equal(body.upstreamRegistry, 'ecr-public-premium');
    assert.equal(body.upstreamRoleArn, roles.upstreamRoleArn);
    const elsewhere = await create({ ecrRepositoryPrefix: 'not-premium', upstreamRegistryUrl: 'public.ecr.aws', ...roles });
    assert.equal(elsewhere.status, 400);
    assert.equal(((await elsewhere.json()) as { __type: string }).__type, 'InvalidParameterException');
    const alone = await create({ ecrRepositoryPrefix: 'premium-alone', upstreamRegistryUrl: 'ecr-premium.aws.com', upstreamRoleArn: roles.upstreamRoleArn });
    assert.equal(alone.status, 400);
  });

  it('DeletePullThroughCacheRule answers exactly the members of its output shape', async () => {
    await suite.client.send(new CreatePullThroughCacheRuleCommand({
      ecrRepositoryPrefix: 'mirror',
      upstreamRegistryUrl: '210987654321.dkr.ecr.us-west-2.amazonaws.com',
      upstreamRepositoryPrefix: 'upstream-app',
      customRoleArn: 'arn:aws:iam::123456789012:role/ecr-pull-through',
    }));
    const response = await fetch(suite.front.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DeletePullThroughCacheRule' },
      body: JSON.stringify({ ecrRepositoryPrefix: 'mirror' }),
    });
    assert.equal(response.status, 200);
    const deleted = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(deleted).sort(), ['createdAt', 'customRoleArn', 'ecrRepositoryPrefix', 'registryId', 'upstreamRegistryUrl', 'upstreamRepositoryPrefix']);
    assert.equal(deleted.upstreamRepositoryPrefix, 'upstream-app');
    assert.equal(deleted.customRoleArn, 'arn:aws:iam::123456789012:role/ecr-pull-through');
  });

  it('UpdateImageStorageClass of a repository that does not exist is RepositoryNotFoundException', async () => {
    const error = await rejection(suite.client.send(new UpdateImageStorageClassCommand({
      repositoryName: 'no-such-repository',
      imageId: { imageDigest: `sha256:${'1'.repeat(64)}` },
      targetStorageClass: 'STANDARD',
    })));
    assert.equal(error?.name, 'RepositoryNotFoundException');
  });

  it('maxResults with named images or repositories is InvalidParameterException', async () => {
    await suite.client.send(new CreateRepositoryCommand({ repositoryName: 'named' }));
    const digest = await putImage(suite.client, 'named', 'named-1', 'v1');
    const images = await rejection(suite.client.send(new DescribeImagesCommand({ repositoryName: 'named', imageIds: [{ imageDigest: digest }], maxResults: 10 })));
    assert.equal(images?.name, 'InvalidParameterException');
    const repositories = await rejection(suite.client.send(new DescribeRepositoriesCommand({ repositoryNames: ['named'], maxResults: 10 })));
    assert.equal(repositories?.name, 'InvalidParameterException');
  });

  it('DescribeImages honours filter.tagStatus', async () => {
    await suite.client.send(new CreateRepositoryCommand({ repositoryName: 'tags' }));
    const tagged = await putImage(suite.client, 'tags', 'tags-1', 'v1');
    const untagged = await putImage(suite.client, 'tags', 'tags-2');
    const digests = async (tagStatus: 'TAGGED' | 'UNTAGGED' | 'ANY') =>
      ((await suite.client.send(new DescribeImagesCommand({ repositoryName: 'tags', filter: { tagStatus } }))).imageDetails ?? []).map((detail) => detail.imageDigest).sort();
    assert.deepEqual(await digests('TAGGED'), [tagged]);
    assert.deepEqual(await digests('UNTAGGED'), [untagged]);
    assert.deepEqual(await digests('ANY'), [tagged, untagged].sort());
  });

  it('DescribeImages returns artifactMediaType (the config\'s media type) and imageManifestMediaType', async () => {
    await suite.client.send(new CreateRepositoryCommand({ repositoryName: 'media' }));
    const digest = await putImage(suite.client, 'media', 'media-1', 'v1');
    const [detail] = (await suite.client.send(new DescribeImagesCommand({ repositoryName: 'media', imageIds: [{ imageDigest: digest }] }))).imageDetails ?? [];
    assert.equal(detail.imageManifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(detail.artifactMediaType, 'application/vnd.docker.container.image.v1+json');
  });

  it('BatchDeleteImage refuses an image an index lists, per image in failures[], and deletes it once the index is gone', async () => {
    await suite.client.send(new CreateRepositoryCommand({ repositoryName: 'multi' }));
    const amd64 = await putImage(suite.client, 'multi', 'multi-amd64');
    const arm64 = await putImage(suite.client, 'multi', 'multi-arm64');
    const lone = await putImage(suite.client, 'multi', 'multi-lone');
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: INDEX,
      manifests: [amd64, arm64].map((digest, i) => ({ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', size: manifestFor(`multi-${['amd64', 'arm64'][i]}`).length, digest, platform: { os: 'linux', architecture: ['amd64', 'arm64'][i] } })),
    });
    const put = await suite.client.send(new PutImageCommand({ repositoryName: 'multi', imageManifest: index, imageManifestMediaType: INDEX, imageTag: 'v1' }));
    const indexDigest = put.image?.imageId?.imageDigest;
    const refused = await suite.client.send(new BatchDeleteImageCommand({ repositoryName: 'multi', imageIds: [{ imageDigest: amd64 }, { imageDigest: lone }] }));
    assert.deepEqual(refused.imageIds?.map((id) => id.imageDigest), [lone]);
    assert.equal(refused.failures?.length, 1);
    assert.equal(refused.failures?.[0].failureCode, 'ImageReferencedByManifestList');
    assert.equal(refused.failures?.[0].imageId?.imageDigest, amd64);
    const held = ((await suite.client.send(new ListImagesCommand({ repositoryName: 'multi' }))).imageIds ?? []).map((id) => id.imageDigest);
    assert.ok(held.includes(amd64), 'the platform image is still there');
    const indexFirst = await suite.client.send(new BatchDeleteImageCommand({ repositoryName: 'multi', imageIds: [{ imageDigest: indexDigest }] }));
    assert.deepEqual(indexFirst.failures, []);
    const children = await suite.client.send(new BatchDeleteImageCommand({ repositoryName: 'multi', imageIds: [{ imageDigest: amd64 }, { imageDigest: arm64 }] }));
    assert.deepEqual(children.failures, []);
    assert.deepEqual(children.imageIds?.map((id) => id.imageDigest).sort(), [amd64, arm64].sort());
  });

  it('BatchGetImage counts as a pull (lastRecordedPullTime), unless the switch is off', async () => {
    await suite.client.send(new CreateRepositoryCommand({ repositoryName: 'reads' }));
    const digest = await putImage(suite.client, 'reads', 'reads-1', 'v1');
    const lastPull = async (client = suite.client) =>
      ((await client.send(new DescribeImagesCommand({ repositoryName: 'reads', imageIds: [{ imageDigest: digest }] }))).imageDetails ?? [])[0]?.lastRecordedPullTime;
    assert.equal(await lastPull(), undefined, 'never pulled');
    const before = Math.floor(Date.now() / 1000) * 1000;
    await suite.client.send(new BatchGetImageCommand({ repositoryName: 'reads', imageIds: [{ imageDigest: digest }] }));
    const pulled = await lastPull();
    assert.ok(pulled && pulled.getTime() >= before, `lastRecordedPullTime ${pulled?.toISOString()} after the BatchGetImage`);

    const quiet = await EcrFront.start({ moto: env.motoUrl, batchGetImageIsPull: false });
    try {
      const client = await motoClient(quiet.url, { maxAttempts: 1 });
      const other = await putImage(client, 'reads', 'reads-2', 'v2');
      await client.send(new BatchGetImageCommand({ repositoryName: 'reads', imageIds: [{ imageDigest: other }] }));
      const [detail] = (await client.send(new DescribeImagesCommand({ repositoryName: 'reads', imageIds: [{ imageDigest: other }] }))).imageDetails ?? [];
      assert.equal(detail.lastRecordedPullTime, undefined, 'with the switch off a BatchGetImage is not a pull');
    } finally {
      await quiet.close();
    }
  });
});
