/**
 * A build whose FROM names a private registry pulls its base with that registry's token: the Docker
 * Engine does not read ~/.docker/config.json, so the extension sends the token with the build (classic
 * builder: X-Registry-Config; BuildKit: the session's Auth/Credentials). The stack's registry requires
 * auth for pulls too, as ECR does. A host that is not a connected registry gets no token: the build
 * fails with the engine's own pull error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { ECRClient } from '@aws-sdk/client-ecr';
import Dockerode from 'dockerode';
import { buildAndPush, type BuildPushOutcome, type BuildPushReporter } from '../../../src/core/docker/buildAndPush';
import { DockerodeEngine } from '../../../src/core/docker/dockerodeEngine';
import { resolveEngineHost } from '../../../src/core/docker/engineHost';
import type { RegistryAuth } from '../../../src/core/docker/engine';
import { fetchRegistryAuth } from '../../support/ecrAuth';
import { MOTO_CREDENTIALS, MOTO_REGISTRY_PASSWORD, resetMoto, stackFor } from '../../support/stack';
import { startFaultProxy, type FaultProxy } from '../../stack/faultProxy';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
/** Everything any test printed, checked at the end for the token. */
const captured: string[] = [];

function recorder() {
  const lines: string[] = [];
  const push = (text: string) => {
    lines.push(text);
    captured.push(text);
  };
  const reporter: BuildPushReporter = { line: push, note: push, live: (frame) => captured.push(...frame), endLive: () => {}, phase: (message) => captured.push(message) };
  return { reporter, lines };
}

async function follow(stream: Readable, docker: Dockerode): Promise<Array<{ error?: string }>> {
  return new Promise((resolve, reject) => docker.modem.followProgress(stream, (error, events) => (error ? reject(error) : resolve(events as Array<{ error?: string }>))));
}

describe('base images from the connected registry are pulled with its token', { skip }, () => {
  let docker: Dockerode;
  let engine: DockerodeEngine;
  let auth: (options: { forceRefresh: boolean }) => Promise<RegistryAuth>;
  let proxy: FaultProxy;
  const base = () => `${env.registryHost}/base-${run}/marked:1`;

  before(async () => {
    await resetMoto(env.ecrEndpoint);
    const ecr = new ECRClient({ region: 'us-east-1', endpoint: env.ecrEndpoint, credentials: MOTO_CREDENTIALS });
    engine = new DockerodeEngine(resolveEngineHost({ setting: env.dockerHost }));
    docker = new Dockerode({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') });
    auth = () => fetchRegistryAuth(ecr, { registryHostOverride: env.registryHost });
    // A base of our own with a layer no other image has, so a build can only get it from the registry.
    const root = mkdtempSync(path.join(os.tmpdir(), 'ecr-base-it-'));
    writeFileSync(path.join(root, 'Dockerfile'), `FROM aqueducthq/function310:0.3.6\nRUN echo "base ${run}" > /base-marker\n`);
    const built = await docker.buildImage({ context: root, src: ['Dockerfile'] }, { t: base(), networkmode: 'none' } as Dockerode.ImageBuildOptions);
    assert.deepEqual((await follow(built as unknown as Readable, docker)).filter((event) => event.error), []);
    const pushed = await docker.getImage(base()).push({ authconfig: { username: 'AWS', password: MOTO_REGISTRY_PASSWORD, serveraddress: env.registryHost } } as never);
    assert.deepEqual((await follow(pushed as unknown as Readable, docker)).filter((event) => event.error), []);
    proxy = await startFaultProxy(env.registryHost);
  });

  after(async () => {
    await proxy?.close();
    const secret = MOTO_REGISTRY_PASSWORD;
    assert.ok(!captured.some((line) => line.includes(secret)), 'the registry token never appears in the output');
  });

  /** The base gone from the engine (its only tag removed deletes it): the build must pull it. */
  async function removeBase(): Promise<void> {
    try {
      await docker.getImage(base()).remove({ force: true });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    await assert.rejects(docker.getImage(base()).inspect(), 'the base image is no longer in the engine');
  }

  async function buildFrom(from: string, builder: 'classic' | 'buildkit', repository: string): Promise<{ outcome: BuildPushOutcome; lines: string[] }> {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ecr-from-it-'));
    // The base named through a global ARG, as Dockerfiles often do; the build arg picks the tag.
    writeFileSync(path.join(root, 'Dockerfile'), `ARG BASE_TAG=missing\nFROM ${from}:\${BASE_TAG} AS app\nRUN cat /base-marker > /app-marker\n`);
    const output = recorder();
    const outcome = await buildAndPush(
      { dockerfile: path.join(root, 'Dockerfile'), context: root, repository, tags: [builder], createRepository: true, builder, network: 'none', buildArgs: { BASE_TAG: '1' } },
      { engine, auth, reporter: output.reporter },
    );
    return { outcome, lines: output.lines };
  }

  async function marker(image: string): Promise<string> {
    const container = await docker.createContainer({ Image: image, Cmd: ['cat', '/app-marker'], HostConfig: { NetworkMode: 'none' } });
    try {
      await container.start();
      await container.wait();
      return ((await container.logs({ stdout: true, stderr: true })) as Buffer).toString('utf8');
    } finally {
      await container.remove({ force: true });
    }
  }

  for (const builder of ['classic', 'buildkit'] as const) {
    it(`the ${builder} builder pulls FROM the registry's own host with the registry's token`, async () => {
      await removeBase();
      const { outcome, lines } = await buildFrom(`${env.registryHost}/base-${run}/marked`, builder, `app-${run}/${builder}`);
      assert.equal(outcome.status, 'succeeded', lines.join('\n'));
      if (outcome.status !== 'succeeded') return;
      assert.ok(lines.includes(`Base images from ${env.registryHost} are pulled with their registry's ECR token.`), lines.join('\n'));
      // The base's own layer, only in the registry, is in the built image.
      assert.match(await marker(outcome.imageUri), new RegExp(`base ${run}`));
    });
  }

  for (const builder of ['classic', 'buildkit'] as const) {
    it(`the ${builder} builder sends no token to a host that is not a connected registry: the engine's pull error`, async () => {
      await removeBase();
      const before = proxy.requests.length;
      // The proxy forwards to the same registry, which would accept the token: only its absence makes this fail.
      const { outcome, lines } = await buildFrom(`${proxy.host}/base-${run}/marked`, builder, `app-${run}/other-${builder}`);
      assert.equal(outcome.status, 'failed', lines.join('\n'));
      if (outcome.status !== 'failed') return;
      assert.equal(outcome.failure.kind, 'build-failed');
      assert.match(outcome.failure.message, /unauthorized|authentication required|no basic auth credentials/i, outcome.failure.message);
      assert.ok(!lines.some((line) => line.startsWith('Base images from')), lines.join('\n'));
      const seen = proxy.requests.slice(before);
      assert.ok(seen.some((request) => request.status === 401), `the engine asked ${proxy.host} and was refused: ${JSON.stringify(seen)}`);
      assert.ok(!seen.some((request) => /\/manifests\//.test(request.path) && request.status === 200), 'no manifest was served');
    });
  }
});
