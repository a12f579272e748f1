// The registry groups of the explorer ("Pull-Through Cache Rules", "Repository Creation Templates"):
// listed only when expanded, failing on their own, and read once for the Dockerfile quick fix.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassifiedError } from '../../../src/core/ecr/errors';
import { classifyEcrError } from '../../../src/core/ecr/errors';
import { silentLogger } from '../../../src/core/log';
import { ExplorerModel } from '../../../src/core/explorer/model';
import { RegistryGroups, type RegistryGroupsSource } from '../../../src/core/explorer/registryGroups';
import type { ExplorerNode, RegistryNode } from '../../../src/core/explorer/nodes';
import type { ExplorerSource } from '../../../src/core/explorer/source';
import { registry as explorerRegistry, repository } from './fixtures';
import type { PullThroughRule } from '../../../src/core/ecr/pullThroughCache';
import type { CreationTemplate } from '../../../src/core/ecr/creationTemplates';

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf';
const registry = explorerRegistry();
const repositories: ExplorerSource = {
  repositoryPage: async () => ({ items: [repository('ml/app')] }),
  imagePage: async () => ({ items: [] }),
  scanSummary: async () => ({ status: 'COMPLETE', counts: {} }),
};
const rules: PullThroughRule[] = [
  { ecrRepositoryPrefix: 'quay', upstreamRegistryUrl: 'quay.io', upstream: 'quay' },
  { ecrRepositoryPrefix: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io', upstream: 'docker-hub', credentialArn: SECRET },
];
const template: CreationTemplate = { prefix: 'prod', appliedFor: ['CREATE_ON_PUSH'], tagMutability: { mode: 'IMMUTABLE', exclusionFilters: [] }, resourceTags: [] };
const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:DescribePullThroughCacheRules on resource: *'), {
  name: 'AccessDeniedException',
  $metadata: { httpStatusCode: 400 },
});

function setup(groupsSource: Partial<RegistryGroupsSource> = {}) {
  const calls = { rules: 0, templates: 0 };
  const state: { rulesError?: Error } = {};
  const source: RegistryGroupsSource = {
    pullThroughRules: async () => {
      calls.rules++;
      if (state.rulesError) throw state.rulesError;
      return rules;
    },
    creationTemplates: async () => {
      calls.templates++;
      return [template];
    },
    ...groupsSource,
  };
  const classify = (error: unknown): ClassifiedError => classifyEcrError(error);
  const groups = new RegistryGroups({ classify, logger: silentLogger, source });
  const model = new ExplorerModel({ classify, logger: silentLogger, source: repositories, groups });
  const events: Array<ExplorerNode | undefined> = [];
  model.onDidChange((node) => events.push(node));
  model.setRegistries([registry]);
  return { model, groups, calls, state, events };
}

const kinds = (nodes: ExplorerNode[]) => nodes.map((node) => node.kind);

async function registryChildren(model: ExplorerModel) {
  const [root] = (await model.children()) as RegistryNode[];
  return model.children(root);
}

describe('explorer registry groups', () => {
  it('shows both groups first under an expanded registry, listing nothing until a group expands', async () => {
    const { model, calls } = setup();
    assert.deepEqual(kinds(await registryChildren(model)), ['pullThroughGroup', 'templateGroup', 'repository']);
    assert.deepEqual(calls, { rules: 0, templates: 0 });
  });

  it('lists the rules by prefix and the templates, and the group rows learn their counts', async () => {
    const { model, calls } = setup();
    const [ruleGroup, templateGroup] = await registryChildren(model);
    const ruleRows = await model.children(ruleGroup);
    assert.deepEqual(
      ruleRows.map((node) => (node.kind === 'pullThroughRule' ? [node.rule.ecrRepositoryPrefix, node.rule.credentialArn, node.registryHost] : node.kind)),
      [
        ['docker-hub', SECRET, '123456789012.dkr.ecr.us-east-1.amazonaws.com'],
        ['quay', undefined, '123456789012.dkr.ecr.us-east-1.amazonaws.com'],
      ],
    );
    assert.deepEqual(kinds(await model.children(templateGroup)), ['creationTemplate']);
    const [ruleGroupAgain, templateGroupAgain] = await registryChildren(model);
    assert.equal(ruleGroupAgain, ruleGroup, 'one object per node id');
    assert.equal(ruleGroupAgain.kind === 'pullThroughGroup' && ruleGroupAgain.summary, '2 rules');
    assert.equal(templateGroupAgain.kind === 'templateGroup' && templateGroupAgain.summary, '1 template');
    assert.equal(model.parent(ruleRows[0]), ruleGroup, 'a rule row knows its group (reveal, getParent)');
    assert.equal(model.parent(ruleGroup)?.kind, 'registry');
    await model.children(ruleGroup);
    assert.deepEqual(calls, { rules: 1, templates: 1 }, 'listed once until a refresh');
  });

  it('an AccessDenied listing the rules is an error row in that group naming the ecr: action; repositories and templates still show', async () => {
    const { model, state } = setup();
    state.rulesError = denied;
    const [ruleGroup, templateGroup, ...rest] = await registryChildren(model);
    const [row] = await model.children(ruleGroup);
    assert.equal(row.kind, 'error');
    assert.match(row.kind === 'error' ? row.error.message : '', /ecr:DescribePullThroughCacheRules/);
    assert.deepEqual(kinds(await model.children(templateGroup)), ['creationTemplate']);
    assert.deepEqual(kinds(rest), ['repository']);
  });

  it('an empty group says so, with what to do', async () => {
    const { model } = setup({ pullThroughRules: async () => [], creationTemplates: async () => [] });
    const [ruleGroup, templateGroup] = await registryChildren(model);
    const [message] = await model.children(ruleGroup);
    assert.match(message.kind === 'message' ? message.message : '', /No pull-through cache rules\. Create one/);
    assert.equal((await model.children(templateGroup))[0].kind, 'message');
  });

  it('rules for the quick fix are listed once; a refresh of the registry (or the group) lists them again and redraws the group', async () => {
    const { model, groups, calls, events } = setup();
    const [ruleGroup] = await registryChildren(model);
    assert.equal((await groups.pullThroughRules(registry.key)).rules.length, 2);
    await groups.pullThroughRules(registry.key);
    assert.equal(calls.rules, 1);
    assert.ok(events.includes(ruleGroup), 'the group row learns its count even when the tree did not ask');
    events.length = 0;
    model.refresh(registry.key);
    assert.ok(events.includes(ruleGroup));
    await groups.pullThroughRules(registry.key);
    groups.refresh(registry.key, 'pullThrough');
    await groups.pullThroughRules(registry.key);
    assert.equal(calls.rules, 3);
    assert.equal(calls.templates, 0, 'templates are listed only when their group expands');
  });

  it('an error is kept until a refresh: typing does not ask ECR again', async () => {
    const { groups, calls, state, model } = setup();
    state.rulesError = denied;
    await registryChildren(model);
    const first = await groups.pullThroughRules(registry.key);
    assert.match(first.error?.message ?? '', /ecr:DescribePullThroughCacheRules/);
    await groups.pullThroughRules(registry.key);
    assert.equal(calls.rules, 1);
  });

  it('a model without groups (and unknown registries) shows none', async () => {
    const model = new ExplorerModel({ classify: (error) => classifyEcrError(error), logger: silentLogger, source: repositories });
    model.setRegistries([registry]);
    assert.deepEqual(kinds(await registryChildren(model)), ['repository']);
    const { groups } = setup();
    assert.deepEqual(await groups.pullThroughRules('nobody/us-east-1'), { rules: [] });
  });
});
