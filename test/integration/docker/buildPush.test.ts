/**
 * Build and push against the real stack: the Docker Engine, the distribution registry (ECR's
 * registry endpoint) and moto (ECR's API). moto and the registry share no state: where a test needs
 * ECR to know about a pushed image (the immutable-tag case), it copies the manifest into moto with
 * PutImage, as ECR itself would have recorded the push. The extension never does that.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import Dockerode from 'dockerode';
import { buildAndPush, type BuildPushOutcome, type BuildPushReporter } from '../../../src/core/docker/buildAndPush';
import { DockerodeEngine } from '../../../src/core/docker/dockerodeEngine';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { fetchRegistryAuth } from '../../support/ecrAuth';
import { resolveEngineHost } from '../../../src/core/docker/engineHost';
import type { RegistryAuth } from '../../../src/core/docker/engine';
import { MOTO_CREDENTIALS, MOTO_REGISTRY_PASSWORD, resetMoto, stackFor, untilListed } from '../../support/stack';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
/** Everything any test printed, checked at the end for the token. */
const captured: string[] = [];

const AQUEDUCT_DOCKERFILE = [
  '# Custom operator image for Aqueduct 0.3.6 (scaffolded by ECR Workbench)',
  'FROM aqueducthq/function310:0.3.6',
  '',
  'RUN mkdir -p /opt/operator && echo "built for aqueduct" > /opt/operator/marker',
  'COPY requirements.txt /opt/operator/requirements.txt',
  '',
].join('\n');

function workspace(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ecr-build-it-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(root, name), content);
  return root;
}

function recorder() {
  const lines: string[] = [];
  const live: string[][] = [];
  const push = (text: string) => {
    lines.push(text);
    captured.push(text);
  };
  const reporter: BuildPushReporter = {
    line: push,
    note: push,
    live: (frame) => {
      live.push(frame);
      captured.push(...frame);
    },
    endLive: () => {},
    phase: (message) => captured.push(message),
  };
  return { reporter, lines, live };
}

describe('build and push against the Docker Engine, registry and moto', { skip }, () => {
  let ecr: ECRClient;
  let docker: Dockerode;
  let engine: DockerodeEngine;
  let auth: (options: { forceRefresh: boolean }) => Promise<RegistryAuth>;

  before(async () => {
    await resetMoto(env.ecrEndpoint);
    ecr = new ECRClient({ region: 'us-east-1', endpoint: env.ecrEndpoint, credentials: MOTO_CREDENTIALS });
    engine = new DockerodeEngine(resolveEngineHost({ setting: env.dockerHost }));
    docker = new Dockerode({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') });
    auth = async () => {
      const value = await fetchRegistryAuth(ecr, { registryHostOverride: env.registryHost });
      captured.push(`(auth obtained for ${value.registryHost})`);
      return value;
    };
  });

  async function registryGet(pathname: string, accept?: string) {
    const basic = Buffer.from(`AWS:${MOTO_REGISTRY_PASSWORD}`).toString('base64');
    return fetch(`http://${env.registryHost}${pathname}`, { headers: { Authorization: `Basic ${basic}`, ...(accept ? { Accept: accept } : {}) } });
  }

  async function pushAqueductImage(repository: string, tags: string[], extra: Partial<Parameters<typeof buildAndPush>[0]> = {}) {
    const root = workspace({ Dockerfile: AQUEDUCT_DOCKERFILE, 'requirements.txt': 'pandas==2.2.2\n', '.dockerignore': 'notes.md\n', 'notes.md': 'x' });
    const output = recorder();
    const outcome = await buildAndPush(
      { dockerfile: path.join(root, 'Dockerfile'), context: root, repository, tags, createRepository: true, ...extra },
      { engine, auth, repositories: ecrRepositoryGate(ecr), reporter: output.reporter },
    );
    return { outcome, output };
  }

  it('builds the Aqueduct Dockerfile on the stand-in base, creates the repository, pushes, and pulls back the same image by digest', async () => {
    const repository = `aqueduct/operator-${run}`;
    const { outcome, output } = await pushAqueductImage(repository, ['latest', 'v1']);
    assert.equal(outcome.status, 'succeeded', output.lines.join('\n'));
    if (outcome.status !== 'succeeded') return;
    assert.equal(outcome.createdRepository, true);
    assert.ok(output.lines.includes(`Created repository ${repository} in ECR.`));
    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }));
    assert.equal(described.repositories?.[0]?.repositoryName, repository);

    assert.match(outcome.imageUri, new RegExp(`^${env.registryHost}/${repository}@sha256:[0-9a-f]{64}$`));
    const summary = output.lines.find((line) => line.startsWith('Pushed '));
    assert.equal(summary, `Pushed ${outcome.imageUri}`);
    assert.ok(output.lines.some((line) => /^ {2}size: [\d.]+ [kM]B unpacked · took [\d.]+ s \(build [\d.]+ s, push [\d.]+ s\)$/.test(line)));
    assert.ok(output.live.some((frame) => /^Pushing: \d+% \(\d+\/\d+ layers\)$/.test(frame.at(-1) ?? '')), 'the live view shows overall progress');

    // Both tags point at the digest in the registry.
    for (const tag of ['latest', 'v1']) {
      const manifest = await registryGet(`/v2/${repository}/manifests/${tag}`, 'application/vnd.docker.distribution.manifest.v2+json');
      assert.equal(manifest.headers.get('docker-content-digest'), outcome.digest);
    }

    // Pull back by digest after removing the local copy, and compare the image.
    for (const tag of outcome.tags) await docker.getImage(`${env.registryHost}/${repository}:${tag}`).remove();
    const pulled = (await docker.pull(outcome.imageUri, {
      authconfig: { username: 'AWS', password: MOTO_REGISTRY_PASSWORD, serveraddress: env.registryHost },
    })) as Readable;
    await new Promise((resolve, reject) => docker.modem.followProgress(pulled, (error) => (error ? reject(error) : resolve(undefined))));
    const image = await docker.getImage(outcome.imageUri).inspect();
    assert.equal(image.Id, outcome.imageId);
    assert.ok(image.RepoDigests.includes(outcome.imageUri));
    // The RUN and COPY steps are in the pulled image.
    const container = await docker.createContainer({ Image: outcome.imageUri, Cmd: ['cat', '/opt/operator/marker', '/opt/operator/requirements.txt'], HostConfig: { NetworkMode: 'none' } });
    try {
      await container.start();
      await container.wait();
      const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
      assert.match(logs, /built for aqueduct/);
      assert.match(logs, /pandas==2\.2\.2/);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('refuses to re-push an existing tag of an immutable repository, before building', async () => {
    const repository = `aqueduct/immutable-${run}`;
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repository, imageTagMutability: 'IMMUTABLE' }));
    const first = await pushAqueductImage(repository, ['v1']);
    assert.equal(first.outcome.status, 'succeeded', first.output.lines.join('\n'));
    if (first.outcome.status !== 'succeeded') return;
    // The ECR API lists the push (the registry's notification reached the ECR front).
    await untilListed(ecr, repository, 'v1', first.outcome.digest);

    const second = await pushAqueductImage(repository, ['v1']);
    assert.equal(second.outcome.status, 'failed');
    if (second.outcome.status !== 'failed') return;
    assert.equal(second.outcome.failure.kind, 'immutable-tag');
    assert.equal(
      second.output.lines.at(-1),
      `ERROR: Tag(s) "v1" already exist in ${repository}, whose tags are immutable: ECR refuses to overwrite them. Push under a new tag, or make the repository's tags mutable.`,
    );
    assert.ok(!second.output.lines.some((line) => line.startsWith('Building ')), 'refused before building');
    const still = await registryGet(`/v2/${repository}/manifests/v1`, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(still.headers.get('docker-content-digest'), first.outcome.digest);
  });

  it('reports an unreachable daemon with where it looked', async () => {
    const dead = path.join(mkdtempSync(path.join(os.tmpdir(), 'dead-docker-')), 'docker.sock');
    const root = workspace({ Dockerfile: AQUEDUCT_DOCKERFILE, 'requirements.txt': '' });
    const output = recorder();
    const outcome = await buildAndPush(
      { dockerfile: path.join(root, 'Dockerfile'), context: root, repository: `aqueduct/down-${run}`, tags: ['latest'], createRepository: true },
      { engine: new DockerodeEngine(resolveEngineHost({ setting: `unix://${dead}` })), auth, repositories: ecrRepositoryGate(ecr), reporter: output.reporter },
    );
    assert.equal(outcome.status === 'failed' && outcome.failure.kind, 'daemon-unreachable');
    assert.equal(
      output.lines.at(-1),
      `ERROR: Docker daemon unreachable at unix://${dead} (from setting): no socket there. Looked at: setting ecr.docker.host: unix://${dead}. Start Docker, or point the "ecr.docker.host" setting or DOCKER_HOST at a running engine.`,
    );
  });

  it('points a failed RUN at its Dockerfile line, with the step and its output', async () => {
    const root = workspace({
      Dockerfile: 'FROM aqueducthq/function310:0.3.6\nRUN echo fine\nRUN echo "installing operator deps" && exit 7\nCOPY x /x\n',
      x: 'x',
    });
    const output = recorder();
    const outcome: BuildPushOutcome = await buildAndPush(
      { dockerfile: path.join(root, 'Dockerfile'), context: root, repository: `aqueduct/broken-${run}`, tags: ['latest'], createRepository: true },
      { engine, auth, repositories: ecrRepositoryGate(ecr), reporter: output.reporter },
    );
    assert.equal(outcome.status, 'failed');
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.failure.kind, 'build-failed');
    assert.equal(outcome.failure.build?.line, 2);
    assert.deepEqual(outcome.failure.build?.output, ['installing operator deps']);
    assert.equal(
      output.lines.at(-1),
      `ERROR: Build failed at Step 3/4 : RUN echo "installing operator deps" && exit 7 (Dockerfile line 3): The command '/bin/sh -c echo "installing operator deps" && exit 7' returned a non-zero code: 7`,
    );
  });

  it('builds with BuildKit when asked, pushes, and the registry serves that digest', async () => {
    const repository = `aqueduct/buildkit-${run}`;
    const { outcome, output } = await pushAqueductImage(repository, ['bk'], { builder: 'buildkit', network: 'none' });
    assert.equal(outcome.status, 'succeeded', output.lines.join('\n'));
    if (outcome.status !== 'succeeded') return;
    const manifest = await registryGet(`/v2/${repository}/manifests/bk`, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(manifest.headers.get('docker-content-digest'), outcome.digest);
    // The image really came from this Dockerfile: its RUN step's file is in it.
    const container = await docker.createContainer({ Image: outcome.imageUri, Cmd: ['cat', '/opt/operator/marker'], HostConfig: { NetworkMode: 'none' } });
    try {
      await container.start();
      await container.wait();
      const logs = (await container.logs({ stdout: true, stderr: true })) as Buffer;
      assert.match(logs.toString('utf8'), /built for aqueduct/);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('points a failed RUN at its Dockerfile line under BuildKit too', async () => {
    const root = workspace({
      Dockerfile: 'FROM aqueducthq/function310:0.3.6\nRUN echo fine\nRUN echo "installing operator deps" && exit 7\nCOPY x /x\n',
      x: 'x',
    });
    const output = recorder();
    const outcome: BuildPushOutcome = await buildAndPush(
      { dockerfile: path.join(root, 'Dockerfile'), context: root, repository: `aqueduct/broken-bk-${run}`, tags: ['latest'], createRepository: true, builder: 'buildkit', network: 'none' },
      { engine, auth, repositories: ecrRepositoryGate(ecr), reporter: output.reporter },
    );
    assert.equal(outcome.status, 'failed', output.lines.join('\n'));
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.failure.kind, 'build-failed');
    assert.equal(outcome.failure.build?.line, 2, output.lines.join('\n'));
    assert.match(output.lines.at(-1) ?? '', /^ERROR: Build failed at .*exit 7.*\(Dockerfile line 3\)/);
  });

  it('refreshes a token the registry refuses (expired mid-push) and retries', async () => {
    const root = workspace({ Dockerfile: AQUEDUCT_DOCKERFILE, 'requirements.txt': 'expired\n' });
    const output = recorder();
    const requests: boolean[] = [];
    const outcome = await buildAndPush(
      { dockerfile: path.join(root, 'Dockerfile'), context: root, repository: `aqueduct/expired-${run}`, tags: ['latest'], createRepository: true },
      {
        engine,
        // The cached token has expired: the registry refuses it; a refresh gets a good one.
        auth: async ({ forceRefresh }) => {
          requests.push(forceRefresh);
          const fresh = await auth({ forceRefresh });
          return forceRefresh ? fresh : { ...fresh, password: 'expired-token-0000000000' };
        },
        repositories: ecrRepositoryGate(ecr),
        reporter: output.reporter,
      },
    );
    assert.equal(outcome.status, 'succeeded', output.lines.join('\n'));
    assert.deepEqual(requests, [false, true]);
    assert.ok(output.lines.some((line) => /^The registry refused the token \(.*(unauthorized|authentication required).*\); fetching a new one and retrying\.$/.test(line)));
    assert.ok(!output.lines.join('\n').includes('expired-token-0000000000'));
  });

  it('cancelling mid-push reports cancelled and leaves no tag in the registry', async () => {
    const repository = `aqueduct/cancelled-${run}`;
    const root = workspace({
      Dockerfile: 'FROM aqueducthq/function310:0.3.6\nCOPY weights.bin /opt/weights.bin\n',
      'weights.bin': randomBytes(96 * 1024 * 1024),
    });
    const controller = new AbortController();
    const output = recorder();
    const reporter: BuildPushReporter = {
      ...output.reporter,
      live: (frame) => {
        output.reporter.live(frame);
        // Abort once bytes are moving.
        if (frame.some((line) => / Pushing \[/.test(line))) controller.abort();
      },
    };
    const outcome = await buildAndPush(
      { dockerfile: path.join(root, 'Dockerfile'), context: root, repository, tags: ['latest'], createRepository: true },
      { engine, auth, repositories: ecrRepositoryGate(ecr), reporter, signal: controller.signal, updateIntervalMs: 0 },
    );
    assert.equal(outcome.status, 'cancelled', output.lines.join('\n'));
    assert.equal(outcome.status === 'cancelled' && outcome.phase, 'push');
    assert.ok(!output.lines.some((line) => line.startsWith('Pushed ')));
    assert.match(output.lines.at(-1) ?? '', /^Cancelled during the push; nothing was pushed under these tags/);
    // Had the engine gone on with the cancelled push, it would have put the tag by the time the same
    // image, pushed again from scratch to another repository, is there: wait for that, then look.
    const after = await buildAndPush(
      { dockerfile: path.join(root, 'Dockerfile'), context: root, repository: `${repository}-after`, tags: ['latest'], createRepository: true },
      { engine, auth, repositories: ecrRepositoryGate(ecr), reporter: recorder().reporter },
    );
    assert.equal(after.status, 'succeeded');
    const tags = await registryGet(`/v2/${repository}/tags/list`);
    const body = tags.ok ? ((await tags.json()) as { tags?: string[] | null }) : { tags: null };
    assert.deepEqual(body.tags ?? [], []);
  });

  it('passes BuildKit secrets from a file and the environment to RUN, and keeps them out of the image and the output', async () => {
    const repository = `aqueduct/secrets-${run}`;
    const fromEnv = `env-secret-${randomBytes(8).toString('hex')}`;
    const fromFile = `file-secret-${randomBytes(8).toString('hex')}`;
    const root = workspace({
      Dockerfile: [
        'FROM aqueducthq/function310:0.3.6',
        // Each RUN proves it read the value: its sha256 (of a random value) is all the layer keeps.
        'RUN --mount=type=secret,id=token busybox sha256sum /run/secrets/token > /token-sum',
        'RUN --mount=type=secret,id=pip busybox sha256sum /run/secrets/pip > /pip-sum',
        // A step that prints a secret: the terminal shows *** instead.
        'RUN --mount=type=secret,id=token cat /run/secrets/token',
        '',
      ].join('\n'),
      'pip.conf': fromFile,
    });
    process.env.ECR_WB_IT_SECRET = fromEnv;
    const output = recorder();
    const outcome = await buildAndPush(
      {
        dockerfile: path.join(root, 'Dockerfile'),
        context: root,
        repository,
        tags: ['secrets'],
        createRepository: true,
        builder: 'buildkit',
        network: 'none',
        // BuildKit's cache key leaves secret values out (a cached step would show an earlier run's).
        noCache: true,
        secrets: [{ id: 'token', env: 'ECR_WB_IT_SECRET' }, { id: 'pip', src: path.join(root, 'pip.conf') }],
      },
      { engine, auth, repositories: ecrRepositoryGate(ecr), reporter: output.reporter },
    );
    delete process.env.ECR_WB_IT_SECRET;
    const transcript = output.lines.join('\n');
    assert.equal(outcome.status, 'succeeded', transcript);
    if (outcome.status !== 'succeeded') return;
    // Usable in RUN: the steps' files record what they read.
    const container = await docker.createContainer({ Image: outcome.imageUri, Cmd: ['cat', '/token-sum', '/pip-sum'], HostConfig: { NetworkMode: 'none' } });
    try {
      await container.start();
      await container.wait();
      const logs = ((await container.logs({ stdout: true, stderr: true })) as Buffer).toString('utf8');
      const sha = (value: string) => createHash('sha256').update(value).digest('hex');
      assert.match(logs, new RegExp(`${sha(fromEnv)}  /run/secrets/token\n`));
      assert.match(logs, new RegExp(`${sha(fromFile)}  /run/secrets/pip\n`));
    } finally {
      await container.remove({ force: true });
    }
    // Printed by a RUN step: redacted in the output; never anywhere in it otherwise.
    assert.ok(output.lines.some((line) => line.includes('***')), transcript);
    for (const secret of [fromEnv, fromFile]) assert.ok(!captured.join('\n').includes(secret), `${secret.slice(0, 10)}… reached the output`);
    // Absent from the image as ECR stores it: every layer (unpacked) and the config (with its history).
    const manifest = (await (await registryGet(`/v2/${repository}/manifests/secrets`, 'application/vnd.docker.distribution.manifest.v2+json')).json()) as { config: { digest: string }; layers: { digest: string }[] };
    const config = Buffer.from(await (await registryGet(`/v2/${repository}/blobs/${manifest.config.digest}`)).arrayBuffer());
    assert.match(config.toString('utf8'), /sha256sum \/run\/secrets\/token/, 'the config holds the build history');
    const blobs = [config];
    for (const layer of manifest.layers) blobs.push(gunzipSync(Buffer.from(await (await registryGet(`/v2/${repository}/blobs/${layer.digest}`)).arrayBuffer())));
    assert.ok(blobs.length > 2);
    for (const blob of blobs) {
      for (const secret of [fromEnv, fromFile]) assert.ok(!blob.includes(secret), `${secret.slice(0, 10)}… is in the image`);
      assert.ok(!blob.includes('run/secrets/token\0'), 'the secret mount left a file in a layer');
    }
    const history = await docker.getImage(outcome.imageUri).history();
    assert.ok(history.every((entry: { CreatedBy: string }) => !entry.CreatedBy.includes(fromEnv) && !entry.CreatedBy.includes(fromFile)));
  });

  after(() => {
    if (skip) return;
    const all = captured.join('\n');
    assert.ok(all.length > 0);
    assert.ok(!all.includes(MOTO_REGISTRY_PASSWORD), 'the registry password appeared in output');
    assert.ok(!all.includes(Buffer.from(`AWS:${MOTO_REGISTRY_PASSWORD}`).toString('base64')), 'the ECR token appeared in output');
  });
});
