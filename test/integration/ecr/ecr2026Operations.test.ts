// The operations moto lacks (pull-through cache, creation templates, UpdateImageStorageClass) as a
// user meets them against a real endpoint: a missing permission names its ecr: action (the ECR front
// injects ECR's AccessDeniedException before moto), and an endpoint without the operation (moto's
// HTML 500) is said to lack it rather than failing obscurely. Their success paths are unit-tested
// over the SDK's response shapes (test/unit/ecr/pullThroughCache, creationTemplates, storageClass).
// UpdateImageStorageClass the ECR front implements (the archive storage class): test/integration/ecr/archive.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { stackFor } from '../../support/stack';
import { classifyEcrError, type ClassifiedError } from '../../../src/core/ecr/errors';
import { createPullThroughRule, deletePullThroughRule, listPullThroughRules } from '../../../src/core/ecr/pullThroughCache';
import { listCreationTemplates } from '../../../src/core/ecr/creationTemplates';
import { restoreImage } from '../../../src/core/ecr/storageClass';
import { describeRepository } from '../../../src/core/ecr/management';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { frontForSuite, motoClient } from './fixtures';

const { env, skip } = stackFor('moto');
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf';

async function failure(work: Promise<unknown>): Promise<ClassifiedError> {
  try {
    await work;
  } catch (error) {
    return classifyEcrError(error);
  }
  return assert.fail('expected the call to fail');
}

const operations: Array<[string, (client: ECRClient) => Promise<unknown>]> = [
  ['DescribePullThroughCacheRules', (client) => listPullThroughRules(client)],
  ['CreatePullThroughCacheRule', (client) => createPullThroughRule(client, { upstream: 'docker-hub', ecrRepositoryPrefix: 'docker-hub', credentialArn: SECRET })],
  ['DeletePullThroughCacheRule', (client) => deletePullThroughRule(client, 'docker-hub')],
  ['DescribeRepositoryCreationTemplates', (client) => listCreationTemplates(client)],
  ['UpdateImageStorageClass', (client) => restoreImage(client, 'ml/archived', { digest: `sha256:${'a'.repeat(64)}` })],
];

describe('operations moto lacks, against the local ECR', { skip }, () => {
  const suite = frontForSuite(env.motoUrl);

  for (const [operation, call] of operations) {
    it(`${operation} without permission names ecr:${operation}`, async () => {
      suite.front.inject(operation, {
        status: 400,
        type: 'AccessDeniedException',
        message: `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:${operation} on resource: arn:aws:ecr:us-east-1:123456789012:repository/*`,
      });
      const result = await failure(call(suite.client));
      assert.equal(result.kind, 'access-denied');
      assert.match(result.message, new RegExp(`lack the IAM permission ecr:${operation}\\b`));
      assert.equal(suite.front.callsOf(operation).length, 1);
    });

    it(`${operation} on an endpoint without it says so`, async () => {
      // moto itself: the front keeps pull-through rules and creation templates (registryFeatures.ts).
      const result = await failure(call(await motoClient(env.motoUrl, { maxAttempts: 1 })));
      assert.equal(result.kind, 'not-implemented', result.detail);
      assert.match(result.message, new RegExp(`does not implement ${operation}`));
    });
  }

  it('the push gate creates the repository itself, and says why, when the endpoint has no creation templates', async () => {
    // moto itself: the stack's front keeps creation templates.
    const direct = await motoClient(env.motoUrl, { maxAttempts: 1 });
    const gate = ecrRepositoryGate(direct, undefined, { creationTemplates: () => listCreationTemplates(direct) });
    const state = await gate.ensureRepository('ml/created-by-task', true);
    assert.equal(state.created, true);
    assert.match(state.note ?? '', /^Could not read the registry's repository creation templates \(The ECR endpoint .* does not implement DescribeRepositoryCreationTemplates/);
    assert.equal((await describeRepository(direct, 'ml/created-by-task'))?.name, 'ml/created-by-task');
  });
});
