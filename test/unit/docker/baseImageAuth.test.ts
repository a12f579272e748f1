import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { baseImageAuth, baseImageHosts, type BaseRegistry } from '../../../src/core/docker/baseImageAuth';

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const OTHER_ECR = '210987654321.dkr.ecr.eu-west-1.amazonaws.com';

describe('the registries a build pulls base images from', () => {
  it('finds every stage\'s registry host, after ARG defaults and build args, and skips stages, scratch and Docker Hub', () => {
    const dockerfile = [
      'ARG REGION=us-east-1',
      'ARG TAG=1',
      `FROM 123456789012.dkr.ecr.\${REGION}.amazonaws.com/docker-hub/library/python:\${TAG} AS build`,
      'RUN make',
      'FROM build AS test',
      'FROM scratch AS empty',
      'FROM python:3.12-slim',
      'FROM localhost:5000/tools/lint@sha256:' + 'a'.repeat(64),
      `FROM ${OTHER_ECR.toUpperCase()}/base:2`,
      'FROM library/alpine',
      'COPY --from=build /out /out',
    ].join('\n');
    assert.deepEqual(baseImageHosts(dockerfile), [ECR, 'localhost:5000', OTHER_ECR]);
    // A build arg overrides a declared ARG's default; an undeclared one changes nothing.
    assert.deepEqual(baseImageHosts(dockerfile, { REGION: 'ap-south-1', NOT_DECLARED: 'x' })[0], '123456789012.dkr.ecr.ap-south-1.amazonaws.com');
    // A variable with no value names no host.
    assert.deepEqual(baseImageHosts('ARG HOST\nFROM ${HOST}/base:1\n'), []);
  });

  it('gives the push token to the push host, a connected registry\'s token to its ECR host, and nothing to other hosts', async () => {
    const push = { username: 'AWS', password: 'push-token', registryHost: '127.0.0.1:5000' };
    const asked: string[] = [];
    const registry = (accountId: string | undefined, region: string, password: string): BaseRegistry => ({
      accountId,
      region,
      auth: async () => {
        asked.push(`${accountId}/${region}`);
        return { username: 'AWS', password, registryHost: 'override.example:443' };
      },
    });
    const registries = [registry('123456789012', 'us-east-1', 'ecr-token'), registry(undefined, 'eu-west-1', 'unknown-account-token')];
    const result = await baseImageAuth(['127.0.0.1:5000', ECR, OTHER_ECR, '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.com', 'registry.example.com'], push, registries);
    assert.deepEqual(result.auth, [
      { username: 'AWS', password: 'push-token', registryHost: '127.0.0.1:5000' },
      // Keyed by the host the FROM names, not the registry-host override the token came with.
      { username: 'AWS', password: 'ecr-token', registryHost: ECR },
    ]);
    assert.deepEqual(asked, ['123456789012/us-east-1']);
    assert.deepEqual(result.problems, []);
  });

  it('reports a connected registry whose token could not be fetched, and goes on', async () => {
    const push = { username: 'AWS', password: 'push-token', registryHost: 'push.example' };
    const failing: BaseRegistry = { accountId: '123456789012', region: 'us-east-1', auth: async () => Promise.reject(new Error('ExpiredTokenException: the security token expired')) };
    const result = await baseImageAuth([ECR], push, [failing]);
    assert.deepEqual(result.auth, []);
    assert.deepEqual(result.problems, [`${ECR}: ExpiredTokenException: the security token expired`]);
  });
});
