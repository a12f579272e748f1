/**
 * Shared setup for the ECR integration tests: clients against the real moto server, and images
 * made in moto through PutImage with a real-looking manifest (moto and the registry share no
 * state, so this is how an image "exists in ECR" here without a docker push).
 */
import { after, before, beforeEach } from 'node:test';
import { PutImageCommand, CreateRepositoryCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { createEcrClient, type EcrClientOptions } from '../../../src/core/ecr/client';
import { MOTO_CREDENTIALS, resetMoto } from '../../support/stack';
import { EcrFront } from '../../stack/ecrFront';
import { manifestFor } from '../../support/manifest';

export async function motoClient(endpoint: string, options: Partial<EcrClientOptions> = {}): Promise<ECRClient> {
  return createEcrClient({ region: 'us-east-1', endpoint, accessKeys: MOTO_CREDENTIALS, maxAttempts: 2, ...options });
}

/**
 * For a suite: an ECR front of its own before the stack's moto (faults can be injected, calls read),
 * and a client through it without retries; moto and the front are reset before each test.
 */
export function frontForSuite(motoUrl: string): { readonly front: EcrFront; readonly client: ECRClient } {
  const suite = {} as { front: EcrFront; client: ECRClient };
  before(async () => {
    suite.front = await EcrFront.start({ moto: motoUrl });
    suite.client = await motoClient(suite.front.url, { maxAttempts: 1 });
  });
  after(async () => suite.front?.close());
  beforeEach(async () => {
    await resetMoto(suite.front.url);
    suite.front.reset();
  });
  return suite;
}

export async function putImage(client: ECRClient, repositoryName: string, seed: string, tag?: string): Promise<string> {
  const response = await client.send(
    new PutImageCommand({ repositoryName, imageManifest: manifestFor(seed), imageTag: tag, imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json' }),
  );
  return response.image?.imageId?.imageDigest ?? '';
}

export async function createRepositories(client: ECRClient, names: string[], concurrency = 16): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < names.length) {
        const name = names[next++];
        await client.send(new CreateRepositoryCommand({ repositoryName: name }));
      }
    }),
  );
}

export async function putImages(client: ECRClient, repositoryName: string, count: number, concurrency = 16): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        await putImage(client, repositoryName, `image-${index}`, `t${index}`);
      }
    }),
  );
}
