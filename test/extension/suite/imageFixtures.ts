/**
 * Real images for the extension-host suites, pushed through the stack's registry endpoint with the
 * extension's own registry connection (the ECR token from its token cache, at the registry-host
 * override): a config blob, one layer of random bytes and a Docker manifest. The ECR front
 * registers each push with moto, so the ECR API and the tree list them (untilListed).
 */
import { randomBytes } from 'node:crypto';
import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { RegistryClient, sha256Digest } from '../../../src/core/registry/client';
import { DOCKER_MANIFEST } from '../../../src/core/registry/mediaTypes';
import type { RegistryConnection } from '../../../src/vscode/explorer/api';
import { waitFor } from './harness';

export interface FixtureImage {
  platform?: string;
  env?: string[];
  cmd?: string[];
  entrypoint?: string[];
  labels?: Record<string, string>;
  /** Dockerfile lines as BuildKit records them; the non-empty ones each made one layer (the last gets the random bytes). */
  history?: Array<{ created_by: string; empty_layer?: boolean }>;
  layerBytes?: number;
}

export async function registryClientOf(connection: RegistryConnection): Promise<RegistryClient> {
  const auth = await connection.auth();
  return new RegistryClient({ host: auth.registryHost, credentials: async () => ({ username: auth.username, password: auth.password }) });
}

async function pushBlob(client: RegistryClient, repository: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256Digest(bytes);
  if ((await client.headBlob(repository, digest)) === undefined) {
    const session = await client.startUpload(repository);
    if (!session.mounted) await client.upload(session.location, digest, bytes.length, bytes, { mode: 'monolithic' });
  }
  return { digest, size: bytes.length };
}

/** Pushes one single-platform image under `tag`; returns its digest. */
export async function pushImage(client: RegistryClient, repository: string, tag: string, image: FixtureImage = {}): Promise<string> {
  const [os, architecture, variant] = (image.platform ?? 'linux/amd64').split('/');
  const history = image.history ?? [{ created_by: 'COPY app/ /app # buildkit' }];
  const layerCount = history.filter((entry) => !entry.empty_layer).length;
  const layers = [];
  for (let index = 0; index < layerCount; index++) {
    const size = index === layerCount - 1 ? (image.layerBytes ?? 64 * 1024) : 1024;
    layers.push({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', ...(await pushBlob(client, repository, randomBytes(size))) });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture,
      os,
      ...(variant ? { variant } : {}),
      config: {
        Env: image.env ?? ['PATH=/usr/local/bin:/usr/bin:/bin'],
        ...(image.cmd ? { Cmd: image.cmd } : {}),
        ...(image.entrypoint ? { Entrypoint: image.entrypoint } : {}),
        WorkingDir: '/app',
        Labels: image.labels ?? {},
      },
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.digest) },
      history,
    }),
  );
  const configBlob = await pushBlob(client, repository, config);
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: { mediaType: 'application/vnd.docker.container.image.v1+json', ...configBlob }, layers }, null, 3),
  );
  return client.putManifest(repository, tag, manifest, DOCKER_MANIFEST);
}

/** Waits until the ECR API lists `tag` as `digest` (the front registers pushes as the registry's notifications arrive). */
export function untilListed(ecr: ECRClient, repositoryName: string, tag: string, digest: string): Promise<true> {
  return waitFor(`${repositoryName}:${tag} listed by the ECR API as ${digest.slice(0, 19)}`, async () => {
    const found = await ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] })).then(
      (answer) => answer.imageDetails?.[0]?.imageDigest,
      () => undefined,
    );
    return found === digest || undefined;
  });
}
