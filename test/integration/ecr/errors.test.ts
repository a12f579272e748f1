import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DescribeImagesCommand, DescribeRepositoriesCommand, StartLifecyclePolicyPreviewCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { stackFor, resetMoto } from '../../support/stack';
import { createEcrClient } from '../../../src/core/ecr/client';
import { classifyEcrError, type ClassifiedError } from '../../../src/core/ecr/errors';
import { listRepositories } from '../../../src/core/ecr/listing';
import { createRepository } from '../../../src/core/ecr/management';
import { motoClient } from './fixtures';
import { EcrFront } from '../../stack/ecrFront';

const { env, skip } = stackFor('moto');

async function failure(work: Promise<unknown>): Promise<ClassifiedError> {
  try {
    await work;
  } catch (error) {
    return classifyEcrError(error);
  }
  assert.fail('expected the call to fail');
}

/** Runs with a process environment that holds no AWS credentials of any kind. */
async function withEmptyAwsEnvironment<T>(overrides: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  const home = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-home-'));
  Object.assign(process.env, {
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...overrides,
  });
  try {
    return await work();
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

describe('errors as a user sees them, against moto', { skip }, () => {
  let proxy: EcrFront;
  let client: ECRClient;

  before(async () => {
    proxy = await EcrFront.start({ moto: env.motoUrl });
    client = await motoClient(proxy.url, { maxAttempts: 3 });
  });
  after(async () => proxy?.close());
  beforeEach(async () => {
    await resetMoto(env.ecrEndpoint);
    proxy.reset();
  });

  it('no credentials (empty environment, no profile) → select a profile; nothing sent', async () => {
    const result = await withEmptyAwsEnvironment({}, async () => {
      const noKeys = await createEcrClient({ region: 'us-east-1', endpoint: proxy.url });
      return failure(listRepositories(noKeys));
    });
    assert.equal(result.kind, 'no-credentials');
    assert.match(result.message, /No AWS credentials found/);
    assert.equal(result.action?.kind, 'select-profile');
    assert.equal(proxy.calls.length, 0);
  });

  it('a profile missing from the files → names the profile', async () => {
    const result = await withEmptyAwsEnvironment({}, async () => {
      const client = await createEcrClient({ region: 'us-east-1', endpoint: proxy.url, profile: 'not-there' });
      return failure(listRepositories(client));
    });
    assert.equal(result.kind, 'no-credentials');
    assert.equal(result.action?.kind, 'select-profile');
  });

  it('expired SSO session → "aws sso login --profile ml-dev"', async () => {
    const result = await withEmptyAwsEnvironment({}, async () => {
      const home = process.env.HOME!;
      const config = path.join(home, 'config');
      writeFileSync(
        config,
        [
          '[profile ml-dev]',
          'sso_session = corp',
          'sso_account_id = 123456789012',
          'sso_role_name = Developer',
          'region = us-east-1',
          '[sso-session corp]',
          'sso_start_url = https://corp.awsapps.com/start',
          'sso_region = us-east-1',
          'sso_registration_scopes = sso:account:access',
        ].join('\n'),
      );
      process.env.AWS_CONFIG_FILE = config;
      const cache = path.join(home, '.aws', 'sso', 'cache');
      mkdirSync(cache, { recursive: true });
      writeFileSync(
        path.join(cache, `${createHash('sha1').update('corp').digest('hex')}.json`),
        JSON.stringify({ accessToken: 'expired-token', expiresAt: '2026-01-01T00:00:00Z', region: 'us-east-1', startUrl: 'https://corp.awsapps.com/start' }),
      );
      const client = await createEcrClient({ region: 'us-east-1', endpoint: proxy.url, profile: 'ml-dev' });
      return failure(listRepositories(client));
    });
    assert.equal(result.kind, 'sso-expired', result.detail);
    assert.deepEqual(result.action, { kind: 'sso-login', title: 'Sign in', command: 'aws sso login --profile ml-dev' });
    assert.equal(proxy.calls.length, 0);
  });

  it('access denied → names the missing ecr: permission', async () => {
    proxy.inject('DescribeRepositories', {
      status: 400,
      type: 'AccessDeniedException',
      message:
        'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:DescribeRepositories on resource: arn:aws:ecr:us-east-1:123456789012:repository/* because no identity-based policy allows the ecr:DescribeRepositories action',
    });
    const result = await failure(listRepositories(client));
    assert.equal(result.kind, 'access-denied');
    assert.match(result.message, /lack the IAM permission ecr:DescribeRepositories/);
    assert.equal(result.operation, 'DescribeRepositories');
  });

  it('throttling is retried with backoff by the SDK, and reported only when it persists', async () => {
    await createRepository(await motoClient(env.ecrEndpoint), { name: 'still-there' });
    proxy.inject('DescribeRepositories', { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' }, 2);
    const repositories = await listRepositories(client);
    assert.deepEqual(repositories.map((repository) => repository.name), ['still-there']);
    assert.deepEqual(proxy.callsOf('DescribeRepositories').map((call) => Boolean(call.injected)), [true, true, false]);

    proxy.reset();
    proxy.inject('DescribeRepositories', { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' }, 10);
    const result = await failure(listRepositories(client));
    assert.equal(result.kind, 'throttled');
    assert.equal(result.action?.kind, 'retry');
    assert.equal(proxy.callsOf('DescribeRepositories').length, 3, 'maxAttempts, then the user is told');
  });

  it('network down (the endpoint host does not resolve) → retry', async () => {
    const offline = await motoClient('http://ecr-workbench-test.invalid', { maxAttempts: 1 });
    const result = await failure(offline.send(new DescribeRepositoriesCommand({})));
    assert.equal(result.kind, 'network-down');
    assert.match(result.message, /Cannot reach ecr-workbench-test\.invalid \((ENOTFOUND|EAI_AGAIN)\)/);
    assert.equal(result.action?.kind, 'retry');
  });

  it('endpoint unreachable (a closed port) → check the endpoint setting', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const closed = await motoClient(`http://127.0.0.1:${port}`, { maxAttempts: 1 });
    const result = await failure(closed.send(new DescribeRepositoriesCommand({})));
    assert.equal(result.kind, 'endpoint-unreachable');
    assert.match(result.message, new RegExp(`127\\.0\\.0\\.1:${port} is unreachable \\(ECONNREFUSED\\)`));
    assert.deepEqual(result.action, { kind: 'open-settings', title: 'Open settings', setting: 'ecr.endpoint' });
  });

  it('repository not found', async () => {
    const result = await failure(client.send(new DescribeImagesCommand({ repositoryName: 'gone' })));
    assert.equal(result.kind, 'repository-not-found');
  });

  it("moto's HTML 500 for an unimplemented operation → says so instead of a JSON parse error", async () => {
    const direct = await motoClient(env.ecrEndpoint, { maxAttempts: 1 });
    const result = await failure(direct.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'x' })));
    assert.equal(result.kind, 'not-implemented');
    assert.match(result.message, /does not implement StartLifecyclePolicyPreview \(it answered HTTP 500 with an HTML page\)/);
  });
});
