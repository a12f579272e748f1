/** Shared setup of the images integration tests: ECR API through the front, the registry client with the ECR token, the docker CLI. */
import { CreateRepositoryCommand, DescribeImagesCommand, type ECRClient, type ImageDetail } from '@aws-sdk/client-ecr';
import { fetchRegistryAuth } from '../../support/ecrAuth';
import { RegistryClient } from '../../../src/core/registry/client';
import type { RegistryRequestRecord } from '../../../src/core/registry/transport';
import { motoClient } from '../ecr/fixtures';
import { dockerCli, type DockerCli } from '../../support/multiArch';
import type { StackEnv } from '../../support/stack';

export interface ImagesStack {
  ecr: ECRClient;
  registry: (options?: { host?: string; onRequest?: (request: RegistryRequestRecord) => void }) => RegistryClient;
  password: string;
  cli: DockerCli;
}

export async function imagesStack(env: StackEnv): Promise<ImagesStack> {
  const ecr = await motoClient(env.ecrEndpoint);
  // The ECR token, as the extension gets it: GetAuthorizationToken, decoded; only ever in memory and headers.
  const auth = await fetchRegistryAuth(ecr, { registryHostOverride: env.registryHost });
  const credentials = async () => ({ username: auth.username, password: auth.password });
  return {
    ecr,
    password: auth.password,
    registry: (options = {}) => new RegistryClient({ host: options.host ?? env.registryHost, credentials, onRequest: options.onRequest, userAgent: 'ecr-workbench-tests' }),
    cli: dockerCli(env.dockerHost, env.registryHost, auth.password),
  };
}

export async function createRepository(ecr: ECRClient, name: string, immutable = false): Promise<void> {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: name, imageTagMutability: immutable ? 'IMMUTABLE' : 'MUTABLE' }));
}

/** Polls DescribeImages until every digest is listed (the front registers pushes as the registry's notifications arrive). */
export async function untilAllListed(ecr: ECRClient, repositoryName: string, digests: string[], timeoutMs = 20_000): Promise<ImageDetail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const details = (await ecr.send(new DescribeImagesCommand({ repositoryName }))).imageDetails ?? [];
    const listed = new Set(details.map((detail) => detail.imageDigest));
    const missing = digests.filter((digest) => !listed.has(digest));
    if (missing.length === 0) return details;
    if (Date.now() > deadline) throw new Error(`${repositoryName}: ${missing.length} of ${digests.length} images not listed by the ECR API within ${timeoutMs / 1000} s: ${missing.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
