/**
 * The local ECR is one ECR: what is pushed to the registry endpoint through the Docker Engine is
 * listed by the ECR API (the registry's notifications reach the ECR front, which registers the
 * manifest with moto), and what is deleted through the ECR API can no longer be pulled from the
 * registry. No test here calls PutImage: every image comes from a real `docker push`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BatchDeleteImageCommand,
  CreateRepositoryCommand,
  CreateRepositoryCreationTemplateCommand,
  DeleteRepositoryCommand,
  DeleteRepositoryCreationTemplateCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  ListImagesCommand,
  ListTagsForResourceCommand,
  UpdateImageStorageClassCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { MOTO_REGISTRY_PASSWORD, stackFor, untilListed } from '../../support/stack';
import { motoClient } from './fixtures';
import { BRIDGE_AGENT } from '../../stack/ecrFront';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
const REPOSITORY = `local-ecr/operator-${run}`;

describe('one local ECR: registry pushes listed by the ECR API, API deletes refused by the registry', { skip }, () => {
  let ecr: ECRClient;
  let dockerConfig: string;
  const image = (tag: string) => `${env.registryHost}/${REPOSITORY}:${tag}`;

  function docker(...args: string[]): { status: number | null; out: string } {
    const result = spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: env.dockerHost, DOCKER_CONFIG: dockerConfig, DOCKER_BUILDKIT: '0' } });
    return { status: result.status, out: `${result.stdout}${result.stderr}` };
  }
  function mustDocker(...args: string[]): string {
    const { status, out } = docker(...args);
    assert.equal(status, 0, `docker ${args.join(' ')}: ${out}`);
    return out;
  }
  /** Builds a small image that differs by `marker` and pushes it under `tag`; returns its digest. */
  function buildAndPush(tag: string, marker: string, repository = REPOSITORY): string {
    const image = (t: string) => `${env.registryHost}/${repository}:${t}`;
    const context = mkdtempSync(path.join(os.tmpdir(), 'local-ecr-'));
    writeFileSync(path.join(context, 'Dockerfile'), `FROM aqueducthq/function310:0.3.6\nRUN echo "${marker}" > /marker\n`);
    mustDocker('build', '--network', 'none', '--quiet', '-t', image(tag), context);
    rmSync(context, { recursive: true, force: true });
    mustDocker('push', '--quiet', image(tag));
    const digests = JSON.parse(mustDocker('image', 'inspect', '--format', '{{json .RepoDigests}}', image(tag))) as string[];
    const digest = digests.find((reference) => reference.startsWith(`${env.registryHost}/${repository}@`))?.split('@')[1];
    assert.ok(digest, `docker recorded no digest for ${image(tag)}: ${digests.join(', ')}`);
    return digest;
  }
  async function registryManifest(reference: string, repository = REPOSITORY): Promise<Response> {
    return fetch(`http://${env.registryHost}/v2/${repository}/manifests/${reference}`, {
      method: 'HEAD',
      headers: {
        authorization: `Basic ${Buffer.from(`AWS:${MOTO_REGISTRY_PASSWORD}`).toString('base64')}`,
        accept: 'application/vnd.docker.distribution.manifest.v2+json',
      },
    });
  }

  before(async () => {
    ecr = await motoClient(env.ecrEndpoint);
    dockerConfig = mkdtempSync(path.join(os.tmpdir(), 'local-ecr-docker-'));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    const login = spawnSync('docker', ['login', '--username', 'AWS', '--password-stdin', env.registryHost], {
      input: MOTO_REGISTRY_PASSWORD,
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: env.dockerHost, DOCKER_CONFIG: dockerConfig },
    });
    assert.equal(login.status, 0, login.stderr);
  });
  after(async () => {
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: REPOSITORY, force: true })).catch(() => {});
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  it('lists a docker push with its tags, digest, size and push time, without PutImage', async () => {
    const before = Date.now();
    const digest = buildAndPush('v1', 'first');
    mustDocker('tag', image('v1'), image('latest'));
    mustDocker('push', '--quiet', image('latest'));
    await untilListed(ecr, REPOSITORY, 'latest', digest);
    const [detail] = (await ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: digest }] }))).imageDetails ?? [];
    assert.deepEqual([...(detail.imageTags ?? [])].sort(), ['latest', 'v1']);
    assert.equal(detail.imageDigest, (await registryManifest('v1')).headers.get('docker-content-digest'), 'the digest is the registry\'s');
    assert.equal(detail.imageManifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    // The size ECR reports: the compressed layers, as the manifest lists them.
    const manifest = await (await fetch(`http://${env.registryHost}/v2/${REPOSITORY}/manifests/${digest}`, {
      headers: { authorization: `Basic ${Buffer.from(`AWS:${MOTO_REGISTRY_PASSWORD}`).toString('base64')}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    })).json() as { layers: Array<{ size: number }> };
    assert.equal(detail.imageSizeInBytes, manifest.layers.reduce((sum, layer) => sum + layer.size, 0));
    assert.ok(detail.imagePushedAt && detail.imagePushedAt.getTime() >= Math.floor(before / 1000) * 1000 - 1000, `pushed at ${detail.imagePushedAt?.toISOString()}`);
    const ids = (await ecr.send(new ListImagesCommand({ repositoryName: REPOSITORY }))).imageIds ?? [];
    assert.deepEqual(ids.filter((id) => id.imageDigest === digest).map((id) => id.imageTag).sort(), ['latest', 'v1']);
  });

  it('keeps an image whose only tag a newer push took, untagged, with its push time (as ECR does)', async () => {
    const old = buildAndPush('moving', 'old');
    const oldDetail = await untilListed(ecr, REPOSITORY, 'moving', old);
    const fresh = buildAndPush('moving', 'new');
    await untilListed(ecr, REPOSITORY, 'moving', fresh);
    const [kept] = (await ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: old }] }))).imageDetails ?? [];
    assert.ok(kept, 'the older image is still in ECR');
    assert.deepEqual(kept.imageTags ?? [], []);
    assert.equal(kept.imagePushedAt?.getTime(), oldDetail.imagePushedAt?.getTime());
  });

  it('records a pull from the registry as the image\'s last pull', async () => {
    const digest = buildAndPush('pulled', 'pulled');
    await untilListed(ecr, REPOSITORY, 'pulled', digest);
    mustDocker('image', 'rm', image('pulled'));
    const before = Date.now();
    mustDocker('pull', '--quiet', image('pulled'));
    // The registry's pull event arrives a moment after the pull: poll for it.
    const deadline = Date.now() + 20_000;
    let pulledAt: Date | undefined;
    while (!pulledAt && Date.now() < deadline) {
      const [detail] = (await ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageTag: 'pulled' }] }))).imageDetails ?? [];
      pulledAt = detail?.lastRecordedPullTime;
      if (!pulledAt) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(pulledAt, 'lastRecordedPullTime was set within 20 s of the pull');
    assert.ok(pulledAt.getTime() >= before - 1000, `last pull ${pulledAt.toISOString()} is this pull`);
  });

  async function archive(digest: string): Promise<void> {
    const response = await fetch(`${env.ecrEndpoint}/_front/archive`, { method: 'POST', body: JSON.stringify({ repositoryName: REPOSITORY, imageDigest: digest }) });
    assert.equal(response.status, 200);
  }
  async function statusOf(digest: string): Promise<{ imageStatus?: string; lastArchivedAt?: Date; lastActivatedAt?: Date }> {
    const [detail] = (await ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: digest }], filter: { imageStatus: 'ANY' } }))).imageDetails ?? [];
    return detail ?? {};
  }
  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('an archived image cannot be pulled (404 at the registry) until it is restored', async () => {
    const digest = buildAndPush('cold', 'cold');
    await untilListed(ecr, REPOSITORY, 'cold', digest);
    await archive(digest);
    assert.equal((await registryManifest(digest)).status, 404, 'by digest');
    assert.equal((await registryManifest('cold')).status, 404, 'by tag');
    mustDocker('image', 'rm', image('cold'));
    const pull = docker('pull', image('cold'));
    assert.notEqual(pull.status, 0, 'docker pull of an archived image fails');
    await ecr.send(new UpdateImageStorageClassCommand({ repositoryName: REPOSITORY, imageId: { imageDigest: digest }, targetStorageClass: 'STANDARD' }));
    await until('the restore', async () => ((await statusOf(digest)).imageStatus === 'ACTIVE' ? true : undefined));
    assert.equal((await registryManifest(digest)).status, 200, 'pullable again by digest');
    assert.equal((await registryManifest('cold')).status, 200, 'and by its tag');
    mustDocker('pull', '--quiet', image('cold'));
  });

  it('a push of an archived image\'s bytes restores it at once, keeping lastArchivedAt', async () => {
    const digest = buildAndPush('again', 'again');
    await untilListed(ecr, REPOSITORY, 'again', digest);
    await archive(digest);
    const archived = await statusOf(digest);
    assert.equal(archived.imageStatus, 'ARCHIVED');
    assert.equal((await registryManifest(digest)).status, 404);
    mustDocker('push', '--quiet', image('again'));
    const restored = await until('the re-push to restore it', async () => {
      const detail = await statusOf(digest);
      return detail.imageStatus === 'ACTIVE' ? detail : undefined;
    });
    assert.equal(restored.lastArchivedAt?.getTime(), archived.lastArchivedAt?.getTime(), 'lastArchivedAt kept');
    assert.ok(restored.lastActivatedAt instanceof Date, 'lastActivatedAt set');
    assert.equal((await registryManifest(digest)).status, 200);
  });

  it('a push to a missing repository a CREATE_ON_PUSH template covers creates it with the whole template', async () => {
    const prefix = `tmpl-${run}`;
    const repository = `${prefix}/service`;
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'pull', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: ['ecr:BatchGetImage'] }] });
    const lifecycle = JSON.stringify({ rules: [{ rulePriority: 1, description: 'keep 5', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } }] });
    await ecr.send(new CreateRepositoryCreationTemplateCommand({
      prefix,
      appliedFor: ['CREATE_ON_PUSH'],
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest*' }],
      repositoryPolicy: policy,
      lifecyclePolicy: lifecycle,
      resourceTags: [{ Key: 'team', Value: 'ml' }],
    }));
    try {
      const digest = buildAndPush('v1', 'templated', repository);
      await untilListed(ecr, repository, 'v1', digest);
      const [created] = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }))).repositories ?? [];
      assert.equal(created.imageTagMutability, 'IMMUTABLE_WITH_EXCLUSION');
      assert.deepEqual(created.imageTagMutabilityExclusionFilters, [{ filterType: 'WILDCARD', filter: 'latest*' }]);
      assert.deepEqual(JSON.parse((await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: repository }))).policyText ?? '{}'), JSON.parse(policy));
      assert.deepEqual(JSON.parse((await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: repository }))).lifecyclePolicyText ?? '{}'), JSON.parse(lifecycle));
      assert.deepEqual((await ecr.send(new ListTagsForResourceCommand({ resourceArn: created.repositoryArn }))).tags, [{ Key: 'team', Value: 'ml' }]);
    } finally {
      await ecr.send(new DeleteRepositoryCommand({ repositoryName: repository, force: true })).catch(() => {});
      await ecr.send(new DeleteRepositoryCreationTemplateCommand({ prefix }));
    }
  });

  it('deletes through the ECR API and the registry refuses the pull', async () => {
    const digest = buildAndPush('doomed', 'doomed');
    await untilListed(ecr, REPOSITORY, 'doomed', digest);
    assert.equal((await registryManifest(digest)).status, 200);
    const deleted = await ecr.send(new BatchDeleteImageCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: digest }] }));
    assert.deepEqual(deleted.failures, []);
    assert.equal((await registryManifest(digest)).status, 404, 'the manifest is gone from the registry');
    mustDocker('image', 'rm', image('doomed'));
    const pull = docker('pull', image('doomed'));
    assert.notEqual(pull.status, 0);
    assert.match(pull.out, /manifest unknown|not found/i);
  });

  it('a delete by tag acts on what the registry says the tag names, even before the push notification arrives', async () => {
    const first = buildAndPush('racy', 'racy-a');
    await untilListed(ecr, REPOSITORY, 'racy', first);
    const second = buildAndPush('other', 'racy-b');
    await untilListed(ecr, REPOSITORY, 'other', second);
    // Move "racy" to the second image at the registry as the front itself would write (its user
    // agent): the stack's front ignores that event, so ECR's API has not heard of the move yet,
    // which is the window between a push returning and its notification arriving.
    const auth = `Basic ${Buffer.from(`AWS:${MOTO_REGISTRY_PASSWORD}`).toString('base64')}`;
    const manifest = await fetch(`http://${env.registryHost}/v2/${REPOSITORY}/manifests/${second}`, { headers: { authorization: auth, accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    const moved = await fetch(`http://${env.registryHost}/v2/${REPOSITORY}/manifests/racy`, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'user-agent': BRIDGE_AGENT },
      body: Buffer.from(await manifest.arrayBuffer()),
    });
    assert.equal(moved.status, 201);
    const deleted = await ecr.send(new BatchDeleteImageCommand({ repositoryName: REPOSITORY, imageIds: [{ imageTag: 'racy' }] }));
    assert.deepEqual(deleted.failures, []);
    assert.deepEqual(deleted.imageIds?.map((id) => id.imageDigest), [second], 'the tag was removed from the image the registry says it names');
    assert.equal((await registryManifest(first)).status, 200, 'the image the tag named before is still in the registry');
    assert.equal((await registryManifest(second)).status, 200, 'the image keeps its other tag and its manifest');
    const details = (await ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: first }, { imageDigest: second }] }))).imageDetails ?? [];
    assert.deepEqual(Object.fromEntries(details.map((detail) => [detail.imageDigest, detail.imageTags ?? []])), { [first]: [], [second]: ['other'] });
  });
});
