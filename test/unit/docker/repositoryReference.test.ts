import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRepositoryInput, invalidTags } from '../../../src/core/docker/repositoryReference';

describe('parseRepositoryInput (the ecr-build task\'s "repository")', () => {
  it('takes a plain name', () => {
    assert.deepEqual(parseRepositoryInput(' team/operator '), { name: 'team/operator', registryHost: undefined, ecr: undefined });
  });

  it('reads the account and region of every ECR host form the explorer understands', () => {
    const cases: Array<[string, string, string]> = [
      ['123456789012.dkr.ecr.us-east-1.amazonaws.com/app', '123456789012', 'us-east-1'],
      ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app', '123456789012', 'us-gov-west-1'],
      ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app', '123456789012', 'cn-north-1'],
      ['123456789012.dkr-ecr.eu-west-1.on.aws/app', '123456789012', 'eu-west-1'],
    ];
    for (const [input, accountId, region] of cases) {
      assert.deepEqual(parseRepositoryInput(input).ecr, { accountId, region }, input);
    }
  });

  it('does not treat a look-alike host as ECR', () => {
    const reference = parseRepositoryInput('123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example/app');
    assert.equal(reference.ecr, undefined);
    assert.equal(reference.registryHost, '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example');
  });

  it('refuses a tag or digest in the repository, and bad names, with the explorer\'s wording', () => {
    assert.throws(() => parseRepositoryInput('team/app:1.0'), /tag or digest/);
    assert.throws(() => parseRepositoryInput('team/app@sha256:abc'), /tag or digest/);
    assert.throws(() => parseRepositoryInput('Team/App'), /lower case: try "team\/app"/);
    assert.throws(() => parseRepositoryInput('   '), /empty/);
  });

  it('lists the tags Docker would refuse', () => {
    assert.deepEqual(invalidTags(['latest', 'v1.2', '-bad', 'a'.repeat(129), 'ok_1']), ['-bad', 'a'.repeat(129)]);
  });
});
