// Tag mutability with exclusion filters against moto (moto 5.2 implements PutImageTagMutability and
// CreateRepository with imageTagMutabilityExclusionFilters, returns them from DescribeRepositories, and
// enforces them on PutImage). The push gate's decisions are checked against what moto then refuses.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateRepositoryCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { stackFor, resetMoto } from '../../support/stack';
import { EcrFront } from '../../stack/ecrFront';
import { describeRepository } from '../../../src/core/ecr/management';
import { putTagMutability, setTagMutability } from '../../../src/core/ecr/repositorySettings';
import { tagIsImmutable, tagMutabilityFrom } from '../../../src/core/ecr/tagMutability';
import { classifyEcrError } from '../../../src/core/ecr/errors';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { motoClient, putImage } from './fixtures';

const { env, skip } = stackFor('moto');
const filters = (...values: string[]) => values.map((filter) => ({ filterType: 'WILDCARD' as const, filter }));

describe('tag mutability with exclusion filters, against moto', { skip }, () => {
  let client: ECRClient;
  let front: EcrFront;
  let frontClient: ECRClient;

  before(async () => {
    client = await motoClient(env.ecrEndpoint);
    front = await EcrFront.start({ moto: env.motoUrl });
    frontClient = await motoClient(front.url, { maxAttempts: 1 });
  });
  after(async () => front?.close());
  beforeEach(async () => {
    await resetMoto(env.ecrEndpoint);
    front.reset();
    await client.send(new CreateRepositoryCommand({ repositoryName: 'ml/mutability' }));
  });

  it('puts each of the four modes and reads back the filters ECR holds', async () => {
    for (const [mode, values] of [
      ['IMMUTABLE_WITH_EXCLUSION', ['latest', 'dev-*']],
      ['MUTABLE_WITH_EXCLUSION', ['release-*']],
      ['IMMUTABLE', []],
      ['MUTABLE', []],
    ] as const) {
      const held = await putTagMutability(client, 'ml/mutability', { mode, exclusionFilters: filters(...values) });
      assert.deepEqual(held, { mode, exclusionFilters: filters(...values) });
      const described = await describeRepository(client, 'ml/mutability');
      assert.equal(described?.tagMutability, mode);
      assert.deepEqual(described?.tagMutabilityExclusionFilters, filters(...values), mode);
    }
  });

  it('the gate and moto agree: an excluded tag moves, any other tag is refused', async () => {
    await putTagMutability(client, 'ml/mutability', { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: filters('latest') });
    await putImage(client, 'ml/mutability', 'first', 'latest');
    await putImage(client, 'ml/mutability', 'first-v1', 'v1');

    const state = await ecrRepositoryGate(client).ensureRepository('ml/mutability', false);
    assert.deepEqual(state, { created: false, immutable: true, tagMutability: { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: filters('latest') } });
    const latest = tagIsImmutable(state.tagMutability!, 'latest');
    const v1 = tagIsImmutable(state.tagMutability!, 'v1');
    assert.equal(latest.immutable, false);
    assert.equal(latest.filter, 'latest');
    assert.equal(v1.immutable, true);

    // What the gate predicted is what the service does.
    await putImage(client, 'ml/mutability', 'second', 'latest');
    // ECR answers ImageTagAlreadyExistsException; moto answers ImageAlreadyExistsException.
    await assert.rejects(putImage(client, 'ml/mutability', 'second-v1', 'v1'), { name: /^Image(Tag)?AlreadyExistsException$/ });
    assert.deepEqual(await ecrRepositoryGate(client).existingTags('ml/mutability', ['v1', 'v2']), ['v1']);
  });

  it('settings ECR would refuse are refused before any call', async () => {
    await assert.rejects(putTagMutability(frontClient, 'ml/mutability', { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: [] }), {
      name: 'InvalidTagMutabilityError',
      message: 'IMMUTABLE_WITH_EXCLUSION needs at least one exclusion filter.',
    });
    await assert.rejects(putTagMutability(frontClient, 'ml/mutability', { mode: 'MUTABLE_WITH_EXCLUSION', exclusionFilters: filters('feature/*') }), { message: /contains "\/"/ });
    assert.equal(front.callsOf('PutImageTagMutability').length, 0);
  });

  it('the plain toggle still works, and reads the mode moto holds', async () => {
    assert.equal(await setTagMutability(client, 'ml/mutability', 'IMMUTABLE'), 'IMMUTABLE');
    const described = await describeRepository(client, 'ml/mutability');
    assert.deepEqual(tagMutabilityFrom(described?.tagMutability, described?.tagMutabilityExclusionFilters), { mode: 'IMMUTABLE', exclusionFilters: [] });
  });

  it('without ecr:PutImageTagMutability the message names that permission', async () => {
    front.inject('PutImageTagMutability', {
      status: 400,
      type: 'AccessDeniedException',
      message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:PutImageTagMutability on resource: arn:aws:ecr:us-east-1:123456789012:repository/ml/mutability',
    });
    const error = await putTagMutability(frontClient, 'ml/mutability', { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: filters('latest') }).then(
      () => assert.fail('expected access denied'),
      (caught: unknown) => caught,
    );
    const classified = classifyEcrError(error);
    assert.equal(classified.kind, 'access-denied');
    assert.match(classified.message, /lack the IAM permission ecr:PutImageTagMutability/);
  });
});
