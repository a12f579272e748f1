// Repository creation templates over the SDK's shapes (moto has no creation templates), and the push
// gate's create-on-push decision.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeTemplate, listCreationTemplates, prefixCovers, templateFor, templateLabel, toCreationTemplate, type CreationTemplate } from '../../../src/core/ecr/creationTemplates';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { fakeClient } from './fakeClient';

const template = (prefix: string, appliedFor: CreationTemplate['appliedFor'], extra: Partial<CreationTemplate> = {}): CreationTemplate => ({
  prefix,
  appliedFor,
  tagMutability: { mode: 'MUTABLE', exclusionFilters: [] },
  resourceTags: [],
  ...extra,
});


describe('which template applies', () => {
  it('a prefix covers names below it (an assumed trailing "/"), not the name itself or look-alikes', () => {
    assert.equal(prefixCovers('prod', 'prod/app'), true);
    assert.equal(prefixCovers('prod/', 'prod/team/app'), true);
    assert.equal(prefixCovers('prod', 'prod'), false);
    assert.equal(prefixCovers('prod', 'production/app'), false);
    assert.equal(prefixCovers('ROOT', 'anything'), true);
  });

  it('the longest matching prefix for the scenario wins; ROOT covers the rest', () => {
    const templates = [
      template('ROOT', ['CREATE_ON_PUSH', 'PULL_THROUGH_CACHE']),
      template('prod', ['CREATE_ON_PUSH']),
      template('prod/ml', ['CREATE_ON_PUSH']),
      template('docker-hub', ['PULL_THROUGH_CACHE']),
    ];
    assert.equal(templateFor('prod/ml/operator', templates)?.prefix, 'prod/ml');
    assert.equal(templateFor('prod/web', templates)?.prefix, 'prod');
    assert.equal(templateFor('dev/web', templates)?.prefix, 'ROOT');
    assert.equal(templateFor('docker-hub/library/python', templates, 'PULL_THROUGH_CACHE')?.prefix, 'docker-hub');
    assert.equal(templateFor('docker-hub/library/python', templates)?.prefix, 'ROOT', 'a pull-through template does not apply to create-on-push');
    assert.equal(templateFor('dev/web', templates.filter((entry) => entry.prefix !== 'ROOT')), undefined);
  });

  it('reads the SDK shape and says what a template applies', () => {
    const read = toCreationTemplate({
      prefix: 'prod',
      description: 'Production',
      appliedFor: ['CREATE_ON_PUSH', 'REPLICATION'],
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
      lifecyclePolicy: JSON.stringify({ rules: [{}, {}] }),
      repositoryPolicy: '{}',
      encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:us-east-1:123456789012:key/abc' },
      resourceTags: [{ Key: 'team', Value: 'ml' }],
    });
    assert.deepEqual(describeTemplate(read), [
      'Tags: immutable, except latest',
      'lifecycle policy (2 rules)',
      'repository policy',
      'KMS encryption',
      '1 resource tag',
      'applied for CREATE_ON_PUSH, REPLICATION',
    ]);
    assert.equal(templateLabel(read), 'prod/');
    assert.equal(templateLabel({ prefix: 'ROOT' }), 'ROOT (every other repository)');
  });

  it('lists every page of DescribeRepositoryCreationTemplates', async () => {
    const { client, calls } = fakeClient((_name, input) =>
      input.nextToken
        ? { registryId: '123456789012', repositoryCreationTemplates: [{ prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH'] }] }
        : { registryId: '123456789012', repositoryCreationTemplates: [{ prefix: 'prod', appliedFor: ['CREATE_ON_PUSH'], imageTagMutability: 'IMMUTABLE' }], nextToken: 't2' },
    );
    const listed = await listCreationTemplates(client);
    assert.deepEqual(listed.map((entry) => [entry.prefix, entry.tagMutability.mode]), [['prod', 'IMMUTABLE'], ['ROOT', 'MUTABLE']]);
    assert.deepEqual(calls.map((call) => [call.name, call.input.nextToken]), [['DescribeRepositoryCreationTemplatesCommand', undefined], ['DescribeRepositoryCreationTemplatesCommand', 't2']]);
  });
});

describe('the push gate and create-on-push', () => {
  const missing = () => Object.assign(new Error('The repository with name prod/app does not exist'), { name: 'RepositoryNotFoundException' });

  it('when a CREATE_ON_PUSH template applies, the gate leaves creation to ECR and says which template', async () => {
    const { client, calls } = fakeClient((name) => (name === 'DescribeRepositoriesCommand' || name === 'DescribeImagesCommand' ? missing() : assert.fail(`unexpected ${name}`)));
    const prod = template('prod', ['CREATE_ON_PUSH'], { tagMutability: { mode: 'IMMUTABLE', exclusionFilters: [] } });
    const gate = ecrRepositoryGate(client, undefined, { creationTemplates: async () => [prod] });
    const state = await gate.ensureRepository('prod/app', true);
    assert.deepEqual(state, {
      created: false,
      immutable: true,
      tagMutability: { mode: 'IMMUTABLE', exclusionFilters: [] },
      note: 'Repository prod/app does not exist yet: ECR creates it on push with the creation template prod/ (Tags: immutable; applied for CREATE_ON_PUSH), so this task does not create it with settings of its own.',
    });
    assert.ok(!calls.some((call) => call.name === 'CreateRepositoryCommand'));
    assert.deepEqual(await gate.existingTags('prod/app', ['v1']), [], 'a repository not created yet has no tags');
  });

  it('without an applicable template, or when templates cannot be read, the task creates the repository itself and says why', async () => {
    const created = { repository: { repositoryName: 'dev/app', registryId: '123456789012', imageTagMutability: 'MUTABLE' } };
    let described = 0;
    const { client, calls } = fakeClient((name) => {
      if (name === 'DescribeRepositoriesCommand') return described++ < 2 ? missing() : created;
      if (name === 'CreateRepositoryCommand') return created;
      return assert.fail(`unexpected ${name}`);
    });
    const denied = Object.assign(new Error('User is not authorized to perform: ecr:DescribeRepositoryCreationTemplates'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    const state = await ecrRepositoryGate(client, undefined, { creationTemplates: async () => { throw denied; } }).ensureRepository('dev/app', true);
    assert.equal(state.created, true);
    assert.match(state.note ?? '', /^Could not read the registry's repository creation templates \(Access denied: your credentials lack the IAM permission ecr:DescribeRepositoryCreationTemplates\. .*\); created dev\/app with this task's settings\.$/);
    assert.equal(calls.filter((call) => call.name === 'CreateRepositoryCommand').length, 1);
  });
});
