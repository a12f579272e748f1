import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { assembleIndex, buildAndPushPlatforms, platformFailureMessage } from '../../../src/core/docker/multiPlatform';
import type { BuildPushOutcome, BuildPushReporter, BuildPushRequest } from '../../../src/core/docker/buildAndPush';
import type { DockerEngine } from '../../../src/core/docker/engine';
import type { RegistryClient } from '../../../src/core/registry/client';

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const reporter: BuildPushReporter = { line() {}, note() {}, live() {}, endLive() {}, phase() {} };
const timings = { totalMs: 1 };
const progress = { eventsReceived: 0, updatesEmitted: 0 };

/** A registry holding one manifest + config per built platform, recording PUTs. */
function fakeRegistry() {
  const puts: Array<{ reference: string; mediaType: string; bytes: Buffer }> = [];
  const manifests = new Map<string, string>();
  const client = {
    async getManifest(_repository: string, digest: string) {
      const text = manifests.get(digest)!;
      return { bytes: Buffer.from(text), digest, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', manifest: JSON.parse(text) };
    },
    async getBlobBytes(): Promise<Buffer> {
      throw new Error('each test sets the configs');
    },
    async putManifest(_repository: string, reference: string, bytes: Buffer, mediaType: string) {
      puts.push({ reference, mediaType, bytes });
      return sha(bytes.toString());
    },
  };
  const add = (platform: string) => {
    const configDigest = sha(`config-${platform}`);
    const text = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { digest: configDigest, size: 10, mediaType: 'x' }, layers: [] });
    manifests.set(sha(text), text);
    return { digest: sha(text), configDigest };
  };
  return { client: client as unknown as RegistryClient, puts, add };
}

describe('multi-platform build and push', () => {
  it('assembles a Docker manifest list over Docker manifests and an OCI index otherwise', () => {
    const docker = assembleIndex([{ platform: { os: 'linux', architecture: 'amd64' }, digest: 'sha256:a', mediaType: 'application/vnd.docker.distribution.manifest.v2+json', size: 5 }]);
    assert.equal(docker.mediaType, 'application/vnd.docker.distribution.manifest.list.v2+json');
    assert.deepEqual(JSON.parse(docker.bytes.toString()).manifests[0].platform, { os: 'linux', architecture: 'amd64' });
    const oci = assembleIndex([{ platform: { os: 'linux', architecture: 'arm64' }, digest: 'sha256:b', mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 5 }]);
    assert.equal(oci.mediaType, 'application/vnd.oci.image.index.v1+json');
  });

  it('names emulation when a foreign RUN step cannot execute', () => {
    assert.match(platformFailureMessage('linux/arm64', 'The command /bin/sh -c pip install returned: exec format error'), /need emulation.*qemu-user-static.*arm64 machine.*drop linux\/arm64/s);
    assert.equal(platformFailureMessage('linux/amd64', 'COPY failed: no such file'), 'linux/amd64: COPY failed: no such file');
  });

  it('builds each platform, pushes one index under the tags, and removes the temporary tags through ECR', async () => {
    const registry = fakeRegistry();
    const built: BuildPushRequest[] = [];
    const configs: Record<string, { os: string; architecture: string }> = {};
    const buildOne = async (request: BuildPushRequest): Promise<BuildPushOutcome> => {
      built.push(request);
      const { digest, configDigest } = registry.add(request.platform!);
      const [os, architecture] = request.platform!.split('/');
      configs[configDigest] = { os, architecture };
      return { status: 'succeeded', imageUri: `r/app@${digest}`, digest, tags: request.tags, imageId: 'i', sizeBytes: 1, createdRepository: false, timings, progress };
    };
    (registry.client as unknown as { getBlobBytes: (r: string, d: string) => Promise<Buffer> }).getBlobBytes = async (_r, digest) => Buffer.from(JSON.stringify(configs[digest]));
    const removed: string[] = [];
    const ecr = { send: async (command: { input: { imageIds: Array<{ imageTag: string }> } }) => { removed.push(command.input.imageIds[0].imageTag); return { imageIds: command.input.imageIds }; } } as unknown as ECRClient;
    const outcome = await buildAndPushPlatforms(
      { dockerfile: '/w/Dockerfile', context: '/w', repository: 'team/app', tags: ['1.0', 'latest'], platforms: ['linux/amd64', 'linux/arm64'], createRepository: true },
      { engine: {} as DockerEngine, auth: async () => ({ username: 'AWS', password: 'p', registryHost: 'r' }), reporter, registry: registry.client, ecr, buildOne },
    );
    assert.equal(outcome.status, 'succeeded');
    assert.deepEqual(built.map((request) => request.platform), ['linux/amd64', 'linux/arm64']);
    assert.deepEqual(built.map((request) => request.createRepository), [true, false], 'the repository is ensured once');
    assert.ok(built.every((request) => request.tags.length === 1 && /^1\.0-build-[0-9a-f]{6}-linux-(amd64|arm64)$/.test(request.tags[0])));
    const tagPuts = registry.puts.filter((put) => put.reference === '1.0' || put.reference === 'latest');
    assert.equal(tagPuts.length, 2);
    assert.ok(tagPuts.every((put) => put.bytes.equals(tagPuts[0].bytes)));
    const index = JSON.parse(tagPuts[0].bytes.toString());
    assert.deepEqual(index.manifests.map((descriptor: { platform: { architecture: string } }) => descriptor.platform.architecture), ['amd64', 'arm64']);
    assert.deepEqual(removed, built.map((request) => request.tags[0]));
    assert.deepEqual(outcome.status === 'succeeded' && outcome.leftTags, []);
  });

  it('fails naming the platform when the engine built another one, and pushes no index', async () => {
    const registry = fakeRegistry();
    const configs: Record<string, { os: string; architecture: string }> = {};
    (registry.client as unknown as { getBlobBytes: (r: string, d: string) => Promise<Buffer> }).getBlobBytes = async (_r, digest) => Buffer.from(JSON.stringify(configs[digest]));
    const buildOne = async (request: BuildPushRequest): Promise<BuildPushOutcome> => {
      const { digest, configDigest } = registry.add(request.platform!);
      configs[configDigest] = { os: 'linux', architecture: 'amd64' };
      return { status: 'succeeded', imageUri: '', digest, tags: request.tags, imageId: 'i', sizeBytes: 1, createdRepository: false, timings, progress };
    };
    const outcome = await buildAndPushPlatforms(
      { dockerfile: '/w/Dockerfile', context: '/w', repository: 'team/app', tags: ['1.0'], platforms: ['linux/amd64', 'linux/arm64'], createRepository: false },
      { engine: {} as DockerEngine, auth: async () => ({ username: 'AWS', password: 'p', registryHost: 'r' }), reporter, registry: registry.client, buildOne },
    );
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.status === 'failed' ? outcome.message : '', /built linux\/amd64 when asked for linux\/arm64/);
    assert.equal(registry.puts.length, 0);
  });
});
