/**
 * Pull and push through the Docker Engine with the fault proxy (test/stack/faultProxy.ts) between
 * the engine and the registry: what the one retry policy survives (a 503 on the engine's /v2/
 * check, a 503 on the manifest write, a 429 with Retry-After, a layer download cut short, which
 * dockerd retries itself and the pull shows), and what it reports truthfully when the registry
 * keeps failing (unavailable, never "denied"). The registry is then looked at with plain HTTP.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import Dockerode from 'dockerode';
import { buildAndPush, type BuildPushReporter } from '../../../src/core/docker/buildAndPush';
import { DockerodeEngine } from '../../../src/core/docker/dockerodeEngine';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { fetchRegistryAuth } from '../../support/ecrAuth';
import { resolveEngineHost } from '../../../src/core/docker/engineHost';
import type { RegistryAuth } from '../../../src/core/docker/engine';
import { pullImage, type PullReporter } from '../../../src/core/docker/pullImage';
import { startFaultProxy, type FaultProxy } from '../../stack/faultProxy';
import { MOTO_CREDENTIALS, MOTO_REGISTRY_PASSWORD, stackFor } from '../../support/stack';
import { digestAt } from '../images/faultImages';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
const REPOSITORY = `aqueduct/faults-${run}`;
const RETRY = { attempts: 3, baseDelayMs: 50, maxDelayMs: 2000 };

function pullRecorder() {
  const lines: string[] = [];
  const reporter: PullReporter = { line: (text) => lines.push(text), progress: () => {} };
  return { reporter, lines };
}

function pushRecorder() {
  const lines: string[] = [];
  const reporter: BuildPushReporter = { line: (text) => lines.push(text), note: () => {}, live: () => {}, endLive: () => {}, phase: () => {} };
  return { reporter, lines };
}

describe('pull and push under faults', { skip }, () => {
  let engine: DockerodeEngine;
  let docker: Dockerode;
  let ecr: ECRClient;
  let proxy: FaultProxy;
  let auth: (options: { forceRefresh: boolean }) => Promise<RegistryAuth>;
  let context: string;

  before(async () => {
    ecr = new ECRClient({ region: 'us-east-1', endpoint: env.ecrEndpoint, credentials: MOTO_CREDENTIALS });
    engine = new DockerodeEngine(resolveEngineHost({ setting: env.dockerHost }));
    docker = new Dockerode({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') });
    proxy = await startFaultProxy(env.registryHost);
    // The engine and the probe speak to the proxy, as they would to ECR's registry endpoint.
    auth = () => fetchRegistryAuth(ecr, { registryHostOverride: proxy.host });
    context = mkdtempSync(path.join(os.tmpdir(), 'ecr-faults-it-'));
    writeFileSync(path.join(context, 'Dockerfile'), 'FROM aqueducthq/function310:0.3.6\nCOPY weights.bin /opt/weights.bin\n');
    writeFileSync(path.join(context, 'weights.bin'), randomBytes(4 * 1024 * 1024));
  });

  after(async () => {
    await proxy?.close();
  });

  const push = (tag: string) => {
    const { reporter, lines } = pushRecorder();
    return buildAndPush(
      { dockerfile: path.join(context, 'Dockerfile'), context, repository: REPOSITORY, tags: [tag], createRepository: true },
      { engine, auth, repositories: ecrRepositoryGate(ecr), reporter, retry: RETRY },
    ).then((outcome) => ({ outcome, lines }));
  };

  /** Removes the pushed image from the engine (every tag on it), so a pull has layers to download. */
  const removeLocal = async (tag: string) => {
    const id = await docker.getImage(`${proxy.host}/${REPOSITORY}:${tag}`).inspect().then((image) => image.Id, () => undefined);
    if (id) await docker.getImage(id).remove({ force: true });
  };

  it('push: a 503 on the manifest write is retried and the push succeeds; the tag is at the registry', async () => {
    proxy.set([{ method: 'PUT', path: /\/manifests\/v1$/, nth: 1, action: { kind: 'status', status: 503, body: 'Service Unavailable' } }]);
    const { outcome, lines } = await push('v1');
    assert.equal(outcome.status, 'succeeded', lines.join('\n'));
    assert.equal(proxy.hits(), 1);
    assert.ok(lines.some((line) => /^The push failed \(.*503.*\); retrying in [\d.]+ s, attempt 2 of 4\.$/.test(line)), lines.join('\n'));
    assert.equal(await digestAt(env.registryHost, MOTO_REGISTRY_PASSWORD, REPOSITORY, 'v1'), outcome.status === 'succeeded' ? outcome.digest : '');
  });

  it('push: a registry that answers every manifest write 503 fails as unavailable, not denied, and no tag is written', async () => {
    proxy.set([{ method: 'PUT', path: /\/manifests\/v2$/, rate: 1, action: { kind: 'status', status: 503, body: 'Service Unavailable' } }]);
    const { outcome } = await push('v2');
    assert.equal(outcome.status, 'failed');
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.failure.kind, 'registry-unavailable');
    assert.match(outcome.failure.message, /503.*4 attempts.*not of your credentials/);
    assert.doesNotMatch(outcome.failure.message, /denied|ecr:PutImage/);
    assert.equal(proxy.hits(), 4);
    assert.equal(await digestAt(env.registryHost, MOTO_REGISTRY_PASSWORD, REPOSITORY, 'v2'), undefined);
  });

  it('pull: a 503 on the engine\'s /v2/ check (after which it sends no credentials and hears "unauthorized") is retried, and the pull succeeds', async () => {
    await removeLocal('v1');
    proxy.set([{ method: 'GET', path: /^\/v2\/$/, nth: 1, action: { kind: 'status', status: 503 } }]);
    const { reporter, lines } = pullRecorder();
    const outcome = await pullImage({ registryHost: proxy.host, repository: REPOSITORY, tag: 'v1' }, { engine, auth, reporter, retry: RETRY });
    assert.equal(outcome.status, 'succeeded', lines.join('\n'));
    assert.ok(proxy.hits() >= 1);
  });

  it('pull: when the registry keeps answering 503 it says so, never "denied … ecr:BatchGetImage"', async () => {
    await removeLocal('v1');
    proxy.set([{ method: 'GET', path: /^\/v2\/$/, rate: 1, action: { kind: 'status', status: 503 } }]);
    const { reporter, lines } = pullRecorder();
    const outcome = await pullImage({ registryHost: proxy.host, repository: REPOSITORY, tag: 'v1' }, { engine, auth, reporter, retry: RETRY });
    assert.equal(outcome.status, 'failed');
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.kind, 'registry-unavailable');
    assert.match(outcome.message, /HTTP 503 to \/v2\//);
    assert.doesNotMatch(outcome.message, /denied|BatchGetImage/);
    assert.ok(lines.some((line) => /retrying in [\d.]+ s, attempt 2 of 4/.test(line)));
  });

  it('pull: a 429 with Retry-After on the manifest is waited out', async () => {
    await removeLocal('v1');
    proxy.set([{ path: /\/manifests\/v1$/, nth: 1, action: { kind: 'status', status: 429, retryAfter: 1, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"Rate exceeded"}]}' } }]);
    const { reporter, lines } = pullRecorder();
    const outcome = await pullImage({ registryHost: proxy.host, repository: REPOSITORY, tag: 'v1' }, { engine, auth, reporter, retry: RETRY });
    assert.equal(outcome.status, 'succeeded', lines.join('\n'));
    assert.equal(proxy.hits(), 1);
  });

  it('pull: a layer download reset after 1 MiB is retried by dockerd, and the pull shows its "Retrying in"', async () => {
    await removeLocal('v1');
    proxy.set([{ method: 'GET', path: /\/blobs\/sha256:/, nth: 2, action: { kind: 'reset', afterBytes: 1024 * 1024 } }]);
    const { reporter, lines } = pullRecorder();
    const outcome = await pullImage({ registryHost: proxy.host, repository: REPOSITORY, tag: 'v1' }, { engine, auth, reporter, retry: RETRY });
    assert.equal(outcome.status, 'succeeded', lines.join('\n'));
    assert.equal(proxy.hits(), 1);
    assert.ok(lines.some((line) => /Retrying in \d+ seconds? \(the engine retries this layer itself\)/.test(line)), lines.join('\n'));
  });
});
