// The ECR Public Premium upstream and upstreamRoleArn (ECR API model, botocore 1.44's ecr
// CreatePullThroughCacheRuleRequest and PullThroughRule: "Amazon ECR Public Premium (ecr-public-premium)
// – ecr-premium.aws.com"; upstreamRoleArn "only for the Amazon ECR Public Premium upstream registry, and
// it requires customRoleArn"). @aws-sdk/client-ecr 3.1178 drops upstreamRoleArn both ways, so these run
// the real SDK client against a local HTTP endpoint that answers as the model says and records requests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ECRClient } from '@aws-sdk/client-ecr';
import { createPullThroughRule, listPullThroughRules, pullThroughRuleProblems, upstreamOfUrl } from '../../../src/core/ecr/pullThroughCache';

const CUSTOM = 'arn:aws:iam::123456789012:role/ecr-pull-through';
const UPSTREAM = 'arn:aws:iam::210987654321:role/premium-reader';

async function endpoint(answer: (target: string, body: Record<string, unknown>) => unknown) {
  const requests: Array<{ target: string; body: Record<string, unknown> }> = [];
  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      requests.push({ target, body });
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      response.end(JSON.stringify(answer(target, body)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new ECRClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  return { client, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('ECR Public Premium pull-through rules', () => {
  it('creates one with both roles: upstreamRoleArn reaches ECR although the SDK does not know it, and is read back', async (t) => {
    const ecr = await endpoint((_target, body) => ({ registryId: '123456789012', createdAt: 1764000000, ...body }));
    t.after(() => ecr.close());
    const created = await createPullThroughRule(ecr.client, { upstream: 'ecr-public-premium', ecrRepositoryPrefix: 'premium', customRoleArn: CUSTOM, upstreamRoleArn: UPSTREAM });
    assert.deepEqual(ecr.requests[0].body, { ecrRepositoryPrefix: 'premium', upstreamRegistryUrl: 'ecr-premium.aws.com', upstreamRegistry: 'ecr-public-premium', customRoleArn: CUSTOM, upstreamRoleArn: UPSTREAM });
    assert.equal(created.upstream, 'ecr-public-premium');
    assert.equal(created.upstreamRoleArn, UPSTREAM);
    assert.equal(created.customRoleArn, CUSTOM);
  });

  it('lists rules with their upstream role, and knows the premium registry by its URL', async (t) => {
    const ecr = await endpoint(() => ({
      pullThroughCacheRules: [
        { ecrRepositoryPrefix: 'premium', upstreamRegistryUrl: 'ecr-premium.aws.com', upstreamRegistry: 'ecr-public-premium', customRoleArn: CUSTOM, upstreamRoleArn: UPSTREAM, registryId: '123456789012', createdAt: 1764000000 },
        { ecrRepositoryPrefix: 'ecr-public', upstreamRegistryUrl: 'public.ecr.aws', upstreamRegistry: 'ecr-public', registryId: '123456789012', createdAt: 1764000000 },
      ],
    }));
    t.after(() => ecr.close());
    const rules = await listPullThroughRules(ecr.client);
    assert.deepEqual(rules.map((rule) => [rule.ecrRepositoryPrefix, rule.upstream, rule.upstreamRoleArn]), [['premium', 'ecr-public-premium', UPSTREAM], ['ecr-public', 'ecr-public', undefined]]);
    assert.equal(upstreamOfUrl('https://ecr-premium.aws.com/'), 'ecr-public-premium');
  });

  it('asks for both roles for the premium upstream, and refuses an upstream role anywhere else', () => {
    assert.deepEqual(pullThroughRuleProblems({ upstream: 'ecr-public-premium', ecrRepositoryPrefix: 'premium' }), [
      'Amazon ECR Public Premium needs the IAM role in this account that ECR assumes (customRoleArn).',
      'Amazon ECR Public Premium needs the IAM role ECR assumes through it to reach the upstream (upstreamRoleArn).',
    ]);
    assert.deepEqual(pullThroughRuleProblems({ upstream: 'ecr-public-premium', ecrRepositoryPrefix: 'premium', customRoleArn: CUSTOM, upstreamRoleArn: 'arn:aws-cn:iam::210987654321:role/x' }), [
      '"arn:aws-cn:iam::210987654321:role/x" is not an IAM role ARN in the aws partition.',
    ]);
    assert.deepEqual(pullThroughRuleProblems({ upstream: 'ecr-public', ecrRepositoryPrefix: 'pub', upstreamRoleArn: UPSTREAM }), ['Only an Amazon ECR Public Premium upstream takes an upstream role (upstreamRoleArn).']);
    assert.deepEqual(pullThroughRuleProblems({ upstream: 'ecr-public-premium', ecrRepositoryPrefix: 'premium', customRoleArn: CUSTOM, upstreamRoleArn: UPSTREAM }), []);
  });
});
