/**
 * Pull against the real stack: an image built and pushed to the distribution registry here (ECR's
 * registry endpoint, credentials from moto's GetAuthorizationToken), removed from the local
 * Docker Engine, then pulled back through the extension's pull flow.
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
import { MOTO_CREDENTIALS, MOTO_REGISTRY_PASSWORD, stackFor } from '../../support/stack';
import { startFaultProxy } from '../../stack/faultProxy';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
const REPOSITORY = `aqueduct/pulled-${run}`;
const captured: string[] = [];

function recorder() {
  const lines: string[] = [];
  const frames: Array<{ percent: number; lines: string[] }> = [];
  const reporter: PullReporter = {
    line: (text) => {
      lines.push(text);
      captured.push(text);
    },
    progress: (percent, frame) => {
      frames.push({ percent, lines: frame });
      captured.push(...frame);
    },
  };
  return { reporter, lines, frames };
}

describe('pull through the Docker Engine from the registry', { skip }, () => {
  let engine: DockerodeEngine;
  let docker: Dockerode;
  let auth: (options: { forceRefresh: boolean }) => Promise<RegistryAuth>;
  let ecr: ECRClient;
  let pushed: { imageId: string; digest: string };
  const reference = () => `${env.registryHost}/${REPOSITORY}:v1`;

  before(async () => {
    ecr = new ECRClient({ region: 'us-east-1', endpoint: env.ecrEndpoint, credentials: MOTO_CREDENTIALS });
    engine = new DockerodeEngine(resolveEngineHost({ setting: env.dockerHost }));
    docker = new Dockerode({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') });
    auth = () => fetchRegistryAuth(ecr, { registryHostOverride: env.registryHost });

    // A fresh 24 MiB layer, so the pull has bytes to move and a cancel has time to land.
    const root = mkdtempSync(path.join(os.tmpdir(), 'ecr-pull-it-'));
    writeFileSync(path.join(root, 'Dockerfile'), 'FROM aqueducthq/function310:0.3.6\nCOPY weights.bin /opt/weights.bin\n');
    writeFileSync(path.join(root, 'weights.bin'), randomBytes(24 * 1024 * 1024));
    const quiet: BuildPushReporter = { line: () => {}, note: () => {}, live: () => {}, endLive: () => {}, phase: () => {} };
    const outcome = await buildAndPush(
      { dockerfile: path.join(root, 'Dockerfile'), context: root, repository: REPOSITORY, tags: ['v1'], createRepository: true },
      { engine, auth, repositories: ecrRepositoryGate(ecr), reporter: quiet },
    );
    assert.equal(outcome.status, 'succeeded');
    if (outcome.status !== 'succeeded') return;
    pushed = { imageId: outcome.imageId, digest: outcome.digest };
    // Only the registry has it now.
    await docker.getImage(pushed.imageId).remove({ force: true });
    await assert.rejects(docker.getImage(reference()).inspect(), { statusCode: 404 });
  });

  it('cancelling mid-download reports cancelled, the engine drops its download, and no image is left', async () => {
    // Through the fault proxy, each layer downloads at 2 MiB/s (the 24 MiB one for about 12 s): the
    // cancel always lands mid-download, and whether the engine then stops downloading is seen at the
    // proxy (the connections for the layers in flight closed by the engine before their end),
    // instead of guessed with a sleep.
    const proxy = await startFaultProxy(env.registryHost);
    try {
      proxy.set([{ method: 'GET', path: /\/blobs\/sha256:/, every: 1, action: { kind: 'throttle', bytesPerSecond: 2 * 1024 * 1024 } }]);
      const viaProxy = `${proxy.host}/${REPOSITORY}:v1`;
      const controller = new AbortController();
      const output = recorder();
      let inFlight: typeof proxy.requests = [];
      const outcome = await pullImage(
        { registryHost: proxy.host, repository: REPOSITORY, tag: 'v1', digest: pushed.digest },
        {
          engine,
          auth: () => fetchRegistryAuth(ecr, { registryHostOverride: proxy.host }),
          signal: controller.signal,
          updateIntervalMs: 0,
          reporter: {
            ...output.reporter,
            progress: (percent, frame) => {
              output.reporter.progress(percent, frame);
              if (!controller.signal.aborted && frame.some((line) => / Downloading \[/.test(line))) {
                inFlight = proxy.requests.filter((request) => request.fault?.startsWith('throttled') && request.ended === undefined);
                controller.abort();
              }
            },
          },
        },
      );
      assert.equal(outcome.status, 'cancelled', output.lines.join('\n'));
      assert.ok(inFlight.length > 0, 'a layer was downloading when the cancel came');
      const deadline = Date.now() + 60_000;
      while (inFlight.some((request) => request.ended === undefined)) {
        if (Date.now() > deadline) assert.fail(`60 s after the cancel the engine still downloads ${inFlight.filter((request) => request.ended === undefined).length} layer(s)`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(
        inFlight.map((request) => request.ended),
        inFlight.map(() => 'client'),
        'the engine closed each download in flight before its end (had it gone on, they would have completed)',
      );
      await assert.rejects(docker.getImage(viaProxy).inspect(), { statusCode: 404 });
    } finally {
      await proxy.close();
    }
  });

  it('pulls by tag with per-layer progress, and the local image is the one pushed', async () => {
    const output = recorder();
    const outcome = await pullImage({ registryHost: env.registryHost, repository: REPOSITORY, tag: 'v1', digest: pushed.digest }, { engine, auth, reporter: output.reporter, updateIntervalMs: 0 });
    assert.equal(outcome.status, 'succeeded', output.lines.join('\n'));
    if (outcome.status !== 'succeeded') return;
    assert.equal(outcome.reference, reference());
    assert.equal(outcome.imageId, pushed.imageId);
    assert.equal(outcome.digest, pushed.digest);
    assert.equal(outcome.upToDate, false);
    assert.equal(outcome.tagMoved, false);
    assert.ok(output.frames.some((frame) => frame.lines.some((line) => / (Downloading|Extracting) \[[=> ]+\] /.test(line))), 'a layer bar was shown');
    assert.ok(output.frames.every((frame) => /^Pulling: \d+% \(\d+\/\d+ layers\)$/.test(frame.lines.at(-1) ?? '')));
    assert.equal(output.frames.at(-1)?.percent, 100);
    assert.match(output.lines.at(-1) ?? '', new RegExp(`^Pulled ${escape(reference())}: image [0-9a-f]{12}, [\\d.]+ MB, digest ${pushed.digest}$`));
    const local = await docker.getImage(reference()).inspect();
    assert.equal(local.Id, pushed.imageId);
  });

  it('says so when the image is already up to date, and notes a tag pushed over since the listing', async () => {
    const output = recorder();
    const listedBefore = `sha256:${'0'.repeat(64)}`;
    const outcome = await pullImage({ registryHost: env.registryHost, repository: REPOSITORY, tag: 'v1', digest: listedBefore }, { engine, auth, reporter: output.reporter });
    assert.equal(outcome.status, 'succeeded', output.lines.join('\n'));
    assert.equal(outcome.status === 'succeeded' && outcome.upToDate, true);
    assert.equal(outcome.status === 'succeeded' && outcome.tagMoved, true);
    assert.ok(output.lines.some((line) => line.startsWith(`Already up to date ${reference()}: image `)));
    assert.ok(output.lines.includes(`Note: v1 now points at ${pushed.digest}, not at ${listedBefore} that the explorer listed; it was pushed over since.`));
  });

  it('pulls an image by digest', async () => {
    await docker.getImage(pushed.imageId).remove({ force: true });
    const output = recorder();
    const outcome = await pullImage({ registryHost: env.registryHost, repository: REPOSITORY, digest: pushed.digest }, { engine, auth, reporter: output.reporter });
    assert.equal(outcome.status, 'succeeded', output.lines.join('\n'));
    assert.equal(outcome.status === 'succeeded' && outcome.reference, `${env.registryHost}/${REPOSITORY}@${pushed.digest}`);
    const local = await docker.getImage(`${env.registryHost}/${REPOSITORY}@${pushed.digest}`).inspect();
    assert.equal(local.Id, pushed.imageId);
  });

  it('refreshes a token the registry refuses, once, and retries', async () => {
    await docker.getImage(pushed.imageId).remove({ force: true });
    const output = recorder();
    const requests: boolean[] = [];
    const outcome = await pullImage(
      { registryHost: env.registryHost, repository: REPOSITORY, tag: 'v1' },
      {
        engine,
        auth: async ({ forceRefresh }) => {
          requests.push(forceRefresh);
          const fresh = await auth({ forceRefresh });
          return forceRefresh ? fresh : { ...fresh, password: 'expired-token-0000000000' };
        },
        reporter: output.reporter,
      },
    );
    assert.equal(outcome.status, 'succeeded', output.lines.join('\n'));
    assert.deepEqual(requests, [false, true]);
    assert.ok(output.lines.some((line) => /^The registry refused the token \(.+\); fetching a new one and retrying\.$/.test(line)), output.lines.join('\n'));
    assert.ok(!output.lines.join('\n').includes('expired-token-0000000000'));
  });

  it('fails with a message a person can act on for a tag that is not there, or a dead daemon', async () => {
    const missing = await pullImage({ registryHost: env.registryHost, repository: REPOSITORY, tag: 'gone' }, { engine, auth, reporter: recorder().reporter });
    assert.equal(missing.status, 'failed');
    assert.equal(missing.status === 'failed' && missing.kind, 'not-found');
    assert.match(missing.status === 'failed' ? missing.message : '', new RegExp(`^${escape(`${env.registryHost}/${REPOSITORY}:gone`)} is not in the registry \\(.+\\)\\. It may have been deleted or re-tagged since the list was loaded: refresh the repository\\.$`));

    const dead = new DockerodeEngine(resolveEngineHost({ setting: `unix://${path.join(os.tmpdir(), `no-docker-${run}.sock`)}` }));
    const unreachable = await pullImage({ registryHost: env.registryHost, repository: REPOSITORY, tag: 'v1' }, { engine: dead, auth, reporter: recorder().reporter });
    assert.equal(unreachable.status, 'failed');
    assert.equal(unreachable.status === 'failed' && unreachable.kind, 'daemon-unreachable');
    assert.match(unreachable.status === 'failed' ? unreachable.message : '', /^Docker daemon unreachable at unix:\/\/.*no-docker-.*\.sock \(from setting\): no socket there\. Looked at: setting ecr\.docker\.host: /);
  });

  after(() => {
    if (skip) return;
    const all = captured.join('\n');
    assert.ok(all.length > 0);
    assert.ok(!all.includes(MOTO_REGISTRY_PASSWORD), 'the registry password appeared in output');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
