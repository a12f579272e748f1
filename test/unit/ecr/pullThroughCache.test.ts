// Pull-through cache rules over the SDK's shapes (moto has no pull-through cache: its
// DescribePullThroughCacheRules answers HTML 500), and the FROM rewrite over Docker Hub official,
// Docker Hub user and non-Docker-Hub images.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPullThroughRule,
  deletePullThroughRule,
  listPullThroughRules,
  parseUpstreamImage,
  pullThroughRuleProblems,
  ruleForImage,
  upstreamOfUrl,
  type PullThroughRule,
} from '../../../src/core/ecr/pullThroughCache';
import { applyRewrites, pullThroughReference, pullThroughRewrites } from '../../../src/core/dockerfile/pullThroughRewrite';
import { fakeClient } from './fakeClient';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf';
const rules: PullThroughRule[] = [
  { ecrRepositoryPrefix: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io', upstream: 'docker-hub', credentialArn: SECRET },
  { ecrRepositoryPrefix: 'quay', upstreamRegistryUrl: 'quay.io', upstream: 'quay' },
  { ecrRepositoryPrefix: 'github', upstreamRegistryUrl: 'ghcr.io', upstream: 'github-container-registry', credentialArn: SECRET },
  { ecrRepositoryPrefix: 'gitlab', upstreamRegistryUrl: 'registry.gitlab.com', upstream: 'gitlab-container-registry', credentialArn: SECRET },
  { ecrRepositoryPrefix: 'kubernetes', upstreamRegistryUrl: 'registry.k8s.io', upstream: 'k8s' },
  { ecrRepositoryPrefix: 'ecr-public', upstreamRegistryUrl: 'public.ecr.aws', upstream: 'ecr-public' },
  { ecrRepositoryPrefix: 'chainguard', upstreamRegistryUrl: 'cgr.dev', upstream: 'chainguard', credentialArn: SECRET },
];


describe('parsing upstream image references as docker does', () => {
  const cases: Array<[string, ReturnType<typeof parseUpstreamImage>]> = [
    ['python:3.11', { registryUrl: 'registry-1.docker.io', path: 'library/python', tag: '3.11', digest: undefined }],
    ['python', { registryUrl: 'registry-1.docker.io', path: 'library/python', tag: undefined, digest: undefined }],
    ['bitnami/redis:7.2', { registryUrl: 'registry-1.docker.io', path: 'bitnami/redis', tag: '7.2', digest: undefined }],
    ['docker.io/library/ubuntu:24.04', { registryUrl: 'registry-1.docker.io', path: 'library/ubuntu', tag: '24.04', digest: undefined }],
    ['quay.io/prometheus/node-exporter:v1.8.0', { registryUrl: 'quay.io', path: 'prometheus/node-exporter', tag: 'v1.8.0', digest: undefined }],
    ['localhost:5000/team/app:dev', { registryUrl: 'localhost:5000', path: 'team/app', tag: 'dev', digest: undefined }],
    [`python@sha256:${'a'.repeat(64)}`, { registryUrl: 'registry-1.docker.io', path: 'library/python', tag: undefined, digest: `sha256:${'a'.repeat(64)}` }],
  ];
  for (const [reference, expected] of cases) it(reference, () => assert.deepEqual(parseUpstreamImage(reference), expected));

  it('is not fooled by variables, scratch or bad names', () => {
    for (const reference of ['$BASE', '${BASE_IMAGE}:1', 'scratch', 'Python:3', 'python:bad tag', 'python@notadigest']) assert.equal(parseUpstreamImage(reference), undefined, reference);
  });
});

describe('which rule serves an image', () => {
  const rewrite = (image: string) => pullThroughReference(image, rules, HOST)?.reference;
  const cases: Array<[string, string | undefined]> = [
    ['python:3.11', `${HOST}/docker-hub/library/python:3.11`],
    ['bitnami/redis:7.2', `${HOST}/docker-hub/bitnami/redis:7.2`],
    ['docker.io/library/ubuntu:24.04', `${HOST}/docker-hub/library/ubuntu:24.04`],
    ['quay.io/prometheus/node-exporter:v1.8.0', `${HOST}/quay/prometheus/node-exporter:v1.8.0`],
    ['ghcr.io/astral-sh/uv:0.5', `${HOST}/github/astral-sh/uv:0.5`],
    ['registry.gitlab.com/group/project/image:1', `${HOST}/gitlab/group/project/image:1`],
    ['registry.k8s.io/pause:3.10', `${HOST}/kubernetes/pause:3.10`],
    ['public.ecr.aws/docker/library/node:22', `${HOST}/ecr-public/docker/library/node:22`],
    ['cgr.dev/chainguard/python:latest', `${HOST}/chainguard/chainguard/python:latest`],
    [`python@sha256:${'b'.repeat(64)}`, `${HOST}/docker-hub/library/python@sha256:${'b'.repeat(64)}`],
    ['python:3.11@sha256:' + 'c'.repeat(64), `${HOST}/docker-hub/library/python:3.11@sha256:${'c'.repeat(64)}`],
    ['mcr.microsoft.com/dotnet/sdk:8.0', undefined],
    [`${HOST}/team/app:1`, undefined],
  ];
  for (const [image, expected] of cases) it(`${image} → ${expected ?? 'no rule'}`, () => assert.equal(rewrite(image), expected));

  it('an upstream repository prefix narrows a rule, and the narrower rule wins', () => {
    const narrowed: PullThroughRule[] = [
      ...rules,
      { ecrRepositoryPrefix: 'hub-official', upstreamRegistryUrl: 'registry-1.docker.io', upstream: 'docker-hub', upstreamRepositoryPrefix: 'library', credentialArn: SECRET },
    ];
    assert.deepEqual(ruleForImage(parseUpstreamImage('python:3.12')!, narrowed)?.repository, 'hub-official/python');
    assert.deepEqual(ruleForImage(parseUpstreamImage('bitnami/redis')!, narrowed)?.repository, 'docker-hub/bitnami/redis');
  });
});

describe('the FROM rewrite', () => {
  it('rewrites FROM lines, keeping --platform, AS and digests; leaves stages, scratch and variables', () => {
    const dockerfile = [
      '# syntax=docker/dockerfile:1',
      'ARG BASE=python:3.11',
      'FROM --platform=$BUILDPLATFORM python:3.11-slim AS build',
      'RUN pip wheel -w /w numpy',
      'FROM build AS test',
      'FROM $BASE',
      'FROM scratch',
      `from quay.io/org/tool@sha256:${'d'.repeat(64)} as tool`,
      'FROM mcr.microsoft.com/dotnet/sdk:8.0',
      'FROM python:3.11',
      '',
    ].join('\n');
    const edits = pullThroughRewrites(dockerfile, rules, HOST);
    assert.deepEqual(edits.map((edit) => [edit.line, edit.image, edit.replacement]), [
      [2, 'python:3.11-slim', `${HOST}/docker-hub/library/python:3.11-slim`],
      [7, `quay.io/org/tool@sha256:${'d'.repeat(64)}`, `${HOST}/quay/org/tool@sha256:${'d'.repeat(64)}`],
      [9, 'python:3.11', `${HOST}/docker-hub/library/python:3.11`],
    ]);
    assert.equal(edits[0].start, 'FROM --platform=$BUILDPLATFORM '.length);
    assert.equal(edits[0].description, 'Served by the pull-through cache rule docker-hub/ (Docker Hub) as docker-hub/library/python');
    const rewritten = applyRewrites(dockerfile, edits).split('\n');
    assert.equal(rewritten[2], `FROM --platform=$BUILDPLATFORM ${HOST}/docker-hub/library/python:3.11-slim AS build`);
    assert.equal(rewritten[4], 'FROM build AS test');
    assert.equal(rewritten[7], `from ${HOST}/quay/org/tool@sha256:${'d'.repeat(64)} as tool`);
    assert.equal(rewritten[9], `FROM ${HOST}/docker-hub/library/python:3.11`);
  });

  it('with no rule for the upstream there is nothing to rewrite', () => {
    assert.deepEqual(pullThroughRewrites('FROM python:3.11\n', rules.filter((rule) => rule.upstream !== 'docker-hub'), HOST), []);
  });
});

describe('rule checks as ECR makes them', () => {
  it('accepts the documented shapes', () => {
    assert.deepEqual(pullThroughRuleProblems({ upstream: 'docker-hub', ecrRepositoryPrefix: 'docker-hub', credentialArn: SECRET }), []);
    assert.deepEqual(pullThroughRuleProblems({ upstream: 'quay', ecrRepositoryPrefix: 'quay' }), []);
    assert.deepEqual(pullThroughRuleProblems({ upstream: 'azure-container-registry', ecrRepositoryPrefix: 'azure', upstreamRegistryUrl: 'myteam.azurecr.io', credentialArn: SECRET }), []);
    assert.deepEqual(
      pullThroughRuleProblems({ upstream: 'ecr', ecrRepositoryPrefix: 'prod-mirror', upstreamRegistryUrl: '210987654321.dkr.ecr.eu-west-1.amazonaws.com', customRoleArn: 'arn:aws:iam::123456789012:role/ecr-ptc' }),
      [],
    );
  });

  it('refuses what ECR refuses, saying what to do', () => {
    const problems = (rule: Parameters<typeof pullThroughRuleProblems>[0], existing?: PullThroughRule[]) => pullThroughRuleProblems(rule, existing).join(' ');
    assert.match(problems({ upstream: 'docker-hub', ecrRepositoryPrefix: 'docker-hub' }), /Docker Hub needs credentials: the ARN of a Secrets Manager secret whose name begins with "ecr-pullthroughcache\/"/);
    assert.match(problems({ upstream: 'github-container-registry', ecrRepositoryPrefix: 'gh', credentialArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:github-token' }), /not the ARN of a Secrets Manager secret named "ecr-pullthroughcache\/…"/);
    assert.match(problems({ upstream: 'quay', ecrRepositoryPrefix: 'quay', credentialArn: SECRET }), /Quay takes no credentials secret \(it needs no authentication\)/);
    assert.match(problems({ upstream: 'quay', ecrRepositoryPrefix: 'Q' }), /must be 2 to 30 characters/);
    assert.match(problems({ upstream: 'quay', ecrRepositoryPrefix: 'Quay_Cache' }), /lowercase letters and digits/);
    assert.match(problems({ upstream: 'quay', ecrRepositoryPrefix: 'a'.repeat(31) }), /2 to 30 characters/);
    assert.match(problems({ upstream: 'quay', ecrRepositoryPrefix: 'quay' }, rules), /prefix "quay" already exists/);
    assert.match(problems({ upstream: 'k8s', ecrRepositoryPrefix: 'k8s', upstreamRegistryUrl: 'k8s.gcr.io' }), /Kubernetes registry URL is registry.k8s.io, not k8s.gcr.io/);
    assert.match(problems({ upstream: 'azure-container-registry', ecrRepositoryPrefix: 'azure', credentialArn: SECRET }), /needs the upstream registry URL \(<name>.azurecr.io\)/);
    assert.match(problems({ upstream: 'docker-hub', ecrRepositoryPrefix: 'hub', credentialArn: SECRET, customRoleArn: 'arn:aws:iam::123456789012:role/x' }), /Only an Amazon ECR or Amazon ECR Public Premium upstream takes an IAM role/);
    assert.match(problems({ upstream: 'harbor' as never, ecrRepositoryPrefix: 'harbor' }), /not an upstream ECR can cache from/);
  });

  it('knows an upstream by its URL', () => {
    assert.equal(upstreamOfUrl('https://registry-1.docker.io/'), 'docker-hub');
    assert.equal(upstreamOfUrl('team.azurecr.io'), 'azure-container-registry');
    assert.equal(upstreamOfUrl('example.com'), undefined);
  });
});

describe('pull-through cache API calls (SDK shapes)', () => {
  it('lists every page of DescribePullThroughCacheRules', async () => {
    const { client, calls } = fakeClient((_name, input) =>
      input.nextToken
        ? { registryId: '123456789012', pullThroughCacheRules: [{ ecrRepositoryPrefix: 'quay', upstreamRegistryUrl: 'quay.io', createdAt: new Date(0), registryId: '123456789012' }] }
        : {
            registryId: '123456789012',
            pullThroughCacheRules: [{ ecrRepositoryPrefix: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io', upstreamRegistry: 'docker-hub', credentialArn: SECRET, registryId: '123456789012' }],
            nextToken: 'page-2',
          },
    );
    const listed = await listPullThroughRules(client, { registryId: '123456789012' });
    assert.deepEqual(listed.map((rule) => [rule.ecrRepositoryPrefix, rule.upstream]), [['docker-hub', 'docker-hub'], ['quay', 'quay']]);
    assert.deepEqual(calls.map((call) => call.input.nextToken), [undefined, 'page-2']);
  });

  it('creates a rule with the request ECR documents, and no call when the rule is wrong', async () => {
    const { client, calls } = fakeClient((_name, input) => ({ ...input, createdAt: new Date(0) }));
    const created = await createPullThroughRule(client, { upstream: 'docker-hub', ecrRepositoryPrefix: 'docker-hub/', credentialArn: SECRET });
    assert.equal(created.upstream, 'docker-hub');
    assert.deepEqual(calls[0], {
      name: 'CreatePullThroughCacheRuleCommand',
      input: { registryId: undefined, ecrRepositoryPrefix: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io', upstreamRegistry: 'docker-hub', credentialArn: SECRET, customRoleArn: undefined, upstreamRepositoryPrefix: undefined },
    });
    await assert.rejects(createPullThroughRule(client, { upstream: 'docker-hub', ecrRepositoryPrefix: 'hub' }), { name: 'InvalidPullThroughRuleError' });
    assert.equal(calls.length, 1);
  });

  it('deletes a rule; a rule already gone is not an error', async () => {
    const { client } = fakeClient((_name, input) =>
      input.ecrRepositoryPrefix === 'gone'
        ? Object.assign(new Error('not found'), { name: 'PullThroughCacheRuleNotFoundException' })
        : { ecrRepositoryPrefix: input.ecrRepositoryPrefix, upstreamRegistryUrl: 'quay.io' },
    );
    assert.equal((await deletePullThroughRule(client, 'quay'))?.upstream, 'quay');
    assert.equal(await deletePullThroughRule(client, 'gone'), undefined);
  });
});
