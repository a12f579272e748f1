// Pull-through cache rules and repository creation templates through the ECR core, against the local
// ECR. moto 5.2 lacks these operations (HTML 500, see ecr2026Operations.test.ts); the ECR front keeps
// them with the API reference's shapes and errors (test/stack/registryFeatures.ts), so these tests
// prove the calls and their round trip, not AWS's server.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateRepositoryCreationTemplateCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { stackFor } from '../../support/stack';
import { createPullThroughRule, deletePullThroughRule, listPullThroughRules } from '../../../src/core/ecr/pullThroughCache';
import { listCreationTemplates } from '../../../src/core/ecr/creationTemplates';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { describeRepository } from '../../../src/core/ecr/management';
import { classifyEcrError } from '../../../src/core/ecr/errors';
import { frontForSuite } from './fixtures';

const { env, skip } = stackFor('moto');
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf';

describe('pull-through cache rules and creation templates, against the local ECR', { skip }, () => {
  const suite = frontForSuite(env.motoUrl);
  let client: ECRClient;
  beforeEach(() => {
    client = suite.client;
  });

  it('creates, lists and deletes rules', async () => {
    await createPullThroughRule(client, { upstream: 'docker-hub', ecrRepositoryPrefix: 'docker-hub', credentialArn: SECRET });
    await createPullThroughRule(client, { upstream: 'quay', ecrRepositoryPrefix: 'quay' });
    const listed = await listPullThroughRules(client);
    assert.deepEqual(
      listed.map((rule) => [rule.ecrRepositoryPrefix, rule.upstream, rule.upstreamRegistryUrl, rule.credentialArn]),
      [
        ['docker-hub', 'docker-hub', 'registry-1.docker.io', SECRET],
        ['quay', 'quay', 'quay.io', undefined],
      ],
    );
    assert.equal((await deletePullThroughRule(client, 'quay'))?.ecrRepositoryPrefix, 'quay');
    assert.deepEqual((await listPullThroughRules(client)).map((rule) => rule.ecrRepositoryPrefix), ['docker-hub']);
    assert.equal(await deletePullThroughRule(client, 'quay'), undefined, 'a rule already gone is not an error');
  });

  it('a second rule with the same prefix is refused by the check before ECR is called', async () => {
    await createPullThroughRule(client, { upstream: 'quay', ecrRepositoryPrefix: 'mirror' });
    const existing = await listPullThroughRules(client);
    const calls = suite.front.callsOf('CreatePullThroughCacheRule').length;
    await assert.rejects(createPullThroughRule(client, { upstream: 'ecr-public', ecrRepositoryPrefix: 'mirror' }, { existing }), /already exists/);
    assert.equal(suite.front.callsOf('CreatePullThroughCacheRule').length, calls);
    // Without the listing (another window created it meanwhile), ECR's own refusal reaches the user.
    await assert.rejects(createPullThroughRule(client, { upstream: 'ecr-public', ecrRepositoryPrefix: 'mirror' }), (error) => {
      assert.equal((error as Error).name, 'PullThroughCacheRuleAlreadyExistsException');
      assert.match(classifyEcrError(error).message, /already exists/);
      return true;
    });
  });

  it('lists creation templates with what they apply', async () => {
    await client.send(
      new CreateRepositoryCreationTemplateCommand({
        prefix: 'prod',
        appliedFor: ['CREATE_ON_PUSH', 'PULL_THROUGH_CACHE'],
        imageTagMutability: 'IMMUTABLE',
        description: 'production images',
        resourceTags: [{ Key: 'team', Value: 'ml' }],
      }),
    );
    const [template] = await listCreationTemplates(client);
    assert.equal(template.prefix, 'prod');
    assert.deepEqual(template.appliedFor, ['CREATE_ON_PUSH', 'PULL_THROUGH_CACHE']);
    assert.equal(template.tagMutability.mode, 'IMMUTABLE');
    assert.deepEqual(template.resourceTags, [{ key: 'team', value: 'ml' }]);
  });

  it('the push gate leaves a repository a template covers to ECR, and says which template; creates others itself and says none applies', async () => {
    await client.send(new CreateRepositoryCreationTemplateCommand({ prefix: 'prod', appliedFor: ['CREATE_ON_PUSH'], imageTagMutability: 'IMMUTABLE' }));
    const gate = ecrRepositoryGate(client, undefined, { creationTemplates: () => listCreationTemplates(client) });
    const covered = await gate.ensureRepository('prod/app', true);
    assert.equal(covered.created, false);
    assert.equal(covered.immutable, true, "the template's immutability decides which tags may be pushed");
    assert.match(covered.note ?? '', /ECR creates it on push with the creation template prod\/ \(Tags: immutable; AES-256 encryption; applied for CREATE_ON_PUSH\)/);
    assert.equal(await describeRepository(client, 'prod/app'), undefined, 'not created with settings of ours');

    const other = await gate.ensureRepository('dev/app', true);
    assert.equal(other.created, true);
    assert.match(other.note ?? '', /^No repository creation template applies to dev\/app/);
    assert.equal((await describeRepository(client, 'dev/app'))?.name, 'dev/app');
  });
});
