/**
 * Tags without pulling, against the registry and the ECR API: add a tag by PUTting the exact
 * manifest bytes (digest unchanged, checked by the Docker Engine pulling by digest), stop before
 * moving a tag that names another image or sits in an immutable repository, move it when asked,
 * and remove one tag through BatchDeleteImage while the image keeps its others.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { addTag, removeTag } from '../../../src/core/images/tags';
import { buildPlatformImage } from '../../support/multiArch';
import { stackFor, untilListed } from '../../support/stack';
import { createRepository, imagesStack, type ImagesStack } from './setup';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
const REPOSITORY = `tags-${run}/app`;
const FROZEN = `tags-${run}/frozen`;

describe('tags without pulling', { skip }, () => {
  let stack: ImagesStack;
  const digests: Record<string, string> = {};

  const push = async (repository: string, tag: string, variant: string) => {
    const reference = `${env.registryHost}/${repository}:${tag}`;
    buildPlatformImage(stack.cli, reference, 'linux/amd64', { cmd: ['echo', variant] });
    stack.cli.run(['push', '--quiet', reference]);
    const head = await stack.registry().headManifest(repository, tag);
    assert.ok(head, `${reference} was pushed`);
    await untilListed(stack.ecr, repository, tag, head.digest);
    return head.digest;
  };
  const tagsOf = async (repository: string, digest: string) =>
    ((await stack.ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageDigest: digest }] }))).imageDetails?.[0]?.imageTags ?? []).sort();

  before(async () => {
    stack = await imagesStack(env);
    await createRepository(stack.ecr, REPOSITORY);
    await createRepository(stack.ecr, FROZEN, true);
    digests.v1 = await push(REPOSITORY, 'v1', 'one');
    digests.v2 = await push(REPOSITORY, 'v2', 'two');
  });

  after(() => stack?.cli.cleanup());

  it('adds a tag with the digest unchanged; the engine pulls the new tag as that digest', async () => {
    const outcome = await addTag(stack.registry(), REPOSITORY, 'v1', 'stable');
    assert.deepEqual(outcome, { status: 'tagged', tag: 'stable', digest: digests.v1 });
    await untilListed(stack.ecr, REPOSITORY, 'stable', digests.v1);
    assert.deepEqual(await tagsOf(REPOSITORY, digests.v1), ['stable', 'v1']);
    stack.cli.run(['pull', '--quiet', `${env.registryHost}/${REPOSITORY}:stable`]);
    stack.cli.run(['pull', '--quiet', `${env.registryHost}/${REPOSITORY}@${digests.v1}`]);
    const repoDigests = JSON.parse(stack.cli.run(['image', 'inspect', '--format', '{{json .RepoDigests}}', `${env.registryHost}/${REPOSITORY}:stable`])) as string[];
    assert.ok(repoDigests.includes(`${env.registryHost}/${REPOSITORY}@${digests.v1}`), `pulled as ${repoDigests.join(', ')}`);
    assert.equal((await addTag(stack.registry(), REPOSITORY, digests.v1, 'stable')).status, 'already');
  });

  it('stops before moving a tag that names another image, then moves it when asked', async () => {
    const asked = await addTag(stack.registry(), REPOSITORY, 'v2', 'stable');
    assert.equal(asked.status, 'points-elsewhere');
    assert.equal(asked.status === 'points-elsewhere' && asked.currentDigest, digests.v1);
    assert.equal((await stack.registry().headManifest(REPOSITORY, 'stable'))?.digest, digests.v1, 'nothing was written');
    const moved = await addTag(stack.registry(), REPOSITORY, 'v2', 'stable', { move: true });
    assert.deepEqual(moved, { status: 'tagged', tag: 'stable', digest: digests.v2, movedFrom: digests.v1 });
    await untilListed(stack.ecr, REPOSITORY, 'stable', digests.v2);
    assert.deepEqual(await tagsOf(REPOSITORY, digests.v1), ['v1']);
    assert.deepEqual(await tagsOf(REPOSITORY, digests.v2), ['stable', 'v2']);
  });

  it('says so when the repository is immutable and the tag is taken', async () => {
    const a = await push(FROZEN, 'a', 'frozen-a');
    const b = await push(FROZEN, 'b', 'frozen-b');
    const outcome = await addTag(stack.registry(), FROZEN, 'b', 'a', { move: true, tagMutability: 'IMMUTABLE' });
    assert.equal(outcome.status, 'immutable');
    assert.match(outcome.status === 'immutable' ? outcome.message : '', /immutable/);
    assert.equal((await stack.registry().headManifest(FROZEN, 'a'))?.digest, a);
    assert.notEqual(a, b);
  });

  it('removes one tag through the ECR API while the image keeps its others', async () => {
    assert.deepEqual(await removeTag(stack.ecr, REPOSITORY, 'stable'), { removed: true });
    assert.deepEqual(await tagsOf(REPOSITORY, digests.v2), ['v2']);
    // Known limit of the local ECR (README): distribution deletes manifests, not single tags, so
    // the registry endpoint still resolves the tag ECR removed; real ECR would not.
    assert.equal((await stack.registry().headManifest(REPOSITORY, 'v2'))?.digest, digests.v2);
  });
});
