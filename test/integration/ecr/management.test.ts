import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { stackFor, resetMoto, MOTO_REGISTRY_PASSWORD, MOTO_ACCOUNT } from '../../support/stack';
import { batchDeleteImages, checkImage, createRepository, deleteRepository, describeRepository, ensureRepository, fetchAuthorization } from '../../../src/core/ecr/management';
import { countImages, listImages, listRepositories } from '../../../src/core/ecr/listing';
import { TokenCache } from '../../../src/core/ecr/tokenCache';
import { parseRegistryHost } from '../../../src/core/ecr/registryHost';
import { motoClient, putImage, putImages } from './fixtures';

const { env, skip } = stackFor('moto');

describe('repository and image management against moto', { skip }, () => {
  let client: ECRClient;
  const requests: string[] = [];

  before(async () => {
    client = await motoClient(env.ecrEndpoint, { onHttpRequest: (operation) => requests.push(operation) });
  });
  beforeEach(async () => {
    await resetMoto(env.ecrEndpoint);
    requests.length = 0;
  });

  it('creates a repository with the chosen settings', async () => {
    const created = await createRepository(client, { name: 'ml-team/operator', tagMutability: 'IMMUTABLE', scanOnPush: true, encryption: { type: 'AES256' } });
    assert.equal(created.name, 'ml-team/operator');
    assert.equal(created.uri, `${MOTO_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/ml-team/operator`);
    const listed = await describeRepository(client, 'ml-team/operator');
    assert.equal(listed?.tagMutability, 'IMMUTABLE');
    assert.equal(listed?.scanOnPush, true);
    assert.equal(listed?.encryption.type, 'AES256');
  });

  it('rejects bad names before any call is made', async () => {
    for (const [name, message] of [
      ['ML-Team', /lower case/],
      ['a', /at least 2/],
      ['team//op', /empty path part/],
      ['op_', /not a valid path part/],
      ['x'.repeat(257), /at most 256/],
    ] as const) {
      await assert.rejects(createRepository(client, { name }), (error: Error) => {
        assert.equal(error.name, 'InvalidNameError');
        assert.match(error.message, message);
        return true;
      });
    }
    assert.deepEqual(requests, [], 'no request reached ECR');
    assert.deepEqual(await listRepositories(client), []);
  });

  it('deletes a repository with its images (force), after counting them', async () => {
    await createRepository(client, { name: 'doomed' });
    await putImages(client, 'doomed', 7);
    assert.deepEqual(await countImages(client, 'doomed'), { total: 7, archived: 0 });
    await assert.rejects(deleteRepository(client, { name: 'doomed', force: false }), /RepositoryNotEmpty|contains images|cannot be deleted/i);
    await deleteRepository(client, { name: 'doomed', force: true });
    assert.equal(await describeRepository(client, 'doomed'), undefined);
  });

  it('batch-deletes in chunks of 100 and collects per-image failures without throwing', async () => {
    await createRepository(client, { name: 'many' });
    await putImages(client, 'many', 230);
    const images = await listImages(client, 'many');
    const missing = 'sha256:' + '0'.repeat(64);
    const progress: number[] = [];
    const result = await batchDeleteImages(client, {
      repository: 'many',
      imageIds: [...images.map((image) => ({ imageDigest: image.digest })), { imageDigest: missing }],
      onProgress: (done) => progress.push(done),
    });
    assert.equal(result.calls, 3);
    assert.equal(requests.filter((operation) => operation === 'BatchDeleteImage').length, 3);
    assert.deepEqual(progress, [100, 200, 231]);
    assert.equal(result.failures.length, 1);
    assert.equal(result.failures[0].imageId.imageDigest, missing);
    assert.equal(result.failures[0].code, 'ImageNotFound');
    assert.deepEqual(await countImages(client, 'many'), { total: 0, archived: 0 });
  });

  it('checks an image the way Aqueduct does: exists, manifest readable', async () => {
    await createRepository(client, { name: 'operator' });
    const digest = await putImage(client, 'operator', 'good', '0.3.6');
    const byTag = await checkImage(client, { repository: 'operator', tag: '0.3.6' });
    assert.equal(byTag.ok, true);
    assert.deepEqual(byTag.checks.map((check) => [check.name, check.ok]), [['exists', true], ['manifest', true]]);
    assert.match(byTag.checks[0].detail, new RegExp(digest));
    assert.match(byTag.checks[1].detail, /application\/vnd\.docker\.distribution\.manifest\.v2\+json/);
    assert.equal((await checkImage(client, { repository: 'operator', digest })).ok, true);

    const absent = await checkImage(client, { repository: 'operator', tag: 'nope' });
    assert.equal(absent.ok, false);
    assert.deepEqual(absent.checks.map((check) => [check.name, check.ok]), [['exists', false], ['manifest', false]]);
    assert.match(absent.checks[0].detail, /No image operator:nope/);
    const noRepository = await checkImage(client, { repository: 'ghost', tag: 'x' });
    assert.match(noRepository.checks[0].detail, /Repository ghost does not exist/);
  });

  it('ensureRepository creates once and then finds it', async () => {
    const first = await ensureRepository(client, 'pushed/here', { create: true });
    assert.equal(first.created, true);
    const second = await ensureRepository(client, 'pushed/here', { create: true });
    assert.equal(second.created, false);
    await assert.rejects(ensureRepository(client, 'absent', { create: false }), /does not exist in ECR/);
  });

  it("caches moto's token (expiry 2015) instead of fetching one per call", async () => {
    let fetched = 0;
    const cache = new TokenCache(async () => {
      fetched++;
      return fetchAuthorization(client);
    });
    for (let call = 0; call < 20; call++) {
      const token = await cache.get('local');
      assert.equal(token.username, 'AWS');
      assert.equal(token.password, MOTO_REGISTRY_PASSWORD);
      assert.equal(token.expiresAt?.getUTCFullYear(), 2015);
    }
    assert.equal(fetched, 1);
    const token = await cache.get('local');
    assert.equal(parseRegistryHost(new URL(token.proxyEndpoint).hostname)?.accountId, MOTO_ACCOUNT);
  });
});
