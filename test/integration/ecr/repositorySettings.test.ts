import { before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SetRepositoryPolicyCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { stackFor, resetMoto } from '../../support/stack';
import { createRepository, describeRepository } from '../../../src/core/ecr/management';
import { getRepositoryPolicy, setTagMutability, toggledMutability } from '../../../src/core/ecr/repositorySettings';
import { motoClient, putImage } from './fixtures';

const { env, skip } = stackFor('moto');

const PULL_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowPullFromTrainingAccount',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::210987654321:root' },
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    },
  ],
};

describe('repository settings against moto', { skip }, () => {
  let client: ECRClient;

  before(async () => {
    client = await motoClient(env.ecrEndpoint);
  });
  beforeEach(async () => {
    await resetMoto(env.ecrEndpoint);
    await createRepository(client, { name: 'ml/settings' });
  });

  it('toggles tag mutability, and ECR then refuses to move a tag', async () => {
    const initial = await describeRepository(client, 'ml/settings');
    assert.equal(initial?.tagMutability, 'MUTABLE');
    assert.equal(await setTagMutability(client, 'ml/settings', toggledMutability(initial.tagMutability)), 'IMMUTABLE');
    assert.equal((await describeRepository(client, 'ml/settings'))?.tagMutability, 'IMMUTABLE');

    await putImage(client, 'ml/settings', 'first', 'v1');
    // ECR answers ImageTagAlreadyExistsException; moto answers ImageAlreadyExistsException.
    await assert.rejects(putImage(client, 'ml/settings', 'second', 'v1'), { name: /^Image(Tag)?AlreadyExistsException$/ });

    assert.equal(await setTagMutability(client, 'ml/settings', toggledMutability('IMMUTABLE')), 'MUTABLE');
    await putImage(client, 'ml/settings', 'second', 'v1');
  });

  it('reads the repository policy pretty-printed, and says there is none when there is none', async () => {
    assert.equal(await getRepositoryPolicy(client, 'ml/settings'), undefined);
    await client.send(new SetRepositoryPolicyCommand({ repositoryName: 'ml/settings', policyText: JSON.stringify(PULL_POLICY) }));
    const text = await getRepositoryPolicy(client, 'ml/settings');
    assert.equal(text, `${JSON.stringify(PULL_POLICY, null, 2)}\n`);
  });

  it('names the repository when it does not exist', async () => {
    await assert.rejects(getRepositoryPolicy(client, 'ml/missing'), { name: 'RepositoryNotFoundException' });
    await assert.rejects(setTagMutability(client, 'ml/missing', 'IMMUTABLE'), { name: 'RepositoryNotFoundException' });
  });
});
