import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { stackFor, resetMoto } from '../../support/stack';
import { createRepository } from '../../../src/core/ecr/management';
import { listImages } from '../../../src/core/ecr/listing';
import { buildLifecyclePolicy, evaluateLifecyclePolicy, parseLifecyclePolicy } from '../../../src/core/ecr/lifecycle';
import { comparePreviews, deleteLifecyclePolicy, getLifecyclePolicy, putLifecyclePolicy, serverLifecyclePreview } from '../../../src/core/ecr/lifecycleApi';
import { motoClient, putImage } from './fixtures';

const { env, skip } = stackFor('moto');

describe('lifecycle policies against moto', { skip }, () => {
  let client: ECRClient;
  const requests: string[] = [];

  before(async () => {
    client = await motoClient(env.ecrEndpoint, { onHttpRequest: (operation) => requests.push(operation) });
  });
  beforeEach(async () => {
    await resetMoto(env.ecrEndpoint);
    requests.length = 0;
    await createRepository(client, { name: 'ml/operators' });
  });

  it('applies a built policy and reads it back unchanged', async () => {
    assert.equal(await getLifecyclePolicy(client, 'ml/operators'), undefined, 'no policy yet');
    const policy = buildLifecyclePolicy([
      { kind: 'expireOlderThan', tagStatus: 'untagged', count: 14 },
      { kind: 'keepLast', tagStatus: 'tagged', count: 10, tagPatternList: ['v*'] },
    ]);
    await putLifecyclePolicy(client, 'ml/operators', policy);
    const stored = await getLifecyclePolicy(client, 'ml/operators');
    assert.ok(stored);
    assert.deepEqual(parseLifecyclePolicy(stored.text), policy);
  });

  it('replaces a policy, deletes it, and reports a second delete as nothing to delete', async () => {
    await putLifecyclePolicy(client, 'ml/operators', buildLifecyclePolicy([{ kind: 'keepLast', tagStatus: 'any', count: 5 }]));
    await putLifecyclePolicy(client, 'ml/operators', buildLifecyclePolicy([{ kind: 'keepLast', tagStatus: 'any', count: 2 }]));
    assert.equal(parseLifecyclePolicy((await getLifecyclePolicy(client, 'ml/operators'))!.text).rules[0].selection.countNumber, 2);
    assert.equal(await deleteLifecyclePolicy(client, 'ml/operators'), true);
    assert.equal(await getLifecyclePolicy(client, 'ml/operators'), undefined);
    assert.equal(await deleteLifecyclePolicy(client, 'ml/operators'), false);
  });

  it('refuses a policy ECR would reject before sending it', async () => {
    await assert.rejects(
      putLifecyclePolicy(client, 'ml/operators', '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}'),
      /needs a tagPrefixList or tagPatternList/,
    );
    assert.ok(!requests.includes('PutLifecyclePolicy'));
  });

  it('evaluates a policy over the listed images, and says when the endpoint has no preview of its own', async () => {
    await putImage(client, 'ml/operators', 'one', 'v1');
    await putImage(client, 'ml/operators', 'untagged-a');
    await putImage(client, 'ml/operators', 'two', 'v2');
    await putImage(client, 'ml/operators', 'three', 'v3');
    const images = await listImages(client, 'ml/operators');
    assert.equal(images.length, 4);
    const policy = buildLifecyclePolicy([
      { kind: 'keepLast', tagStatus: 'untagged', count: 5 },
      { kind: 'keepLast', tagStatus: 'any', count: 1 },
    ]);
    const local = evaluateLifecyclePolicy(policy, images);
    // The untagged image is protected by rule 1; of the three tagged ones "any" keeps one.
    assert.equal(local.expired.length, 2);
    assert.ok(local.expired.every((entry) => entry.image.tags.length === 1 && entry.rulePriority === 2));
    const server = await serverLifecyclePreview(client, 'ml/operators', JSON.stringify(policy), { timeoutMs: 5000, pollMs: 100 });
    assert.deepEqual(server, { available: false, reason: 'Preview not available from this endpoint (it does not implement StartLifecyclePolicyPreview).' });
    assert.equal(comparePreviews(local, server), undefined);
  });
});
