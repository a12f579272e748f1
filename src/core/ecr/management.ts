import type { ECRClient, ImageIdentifier } from '@aws-sdk/client-ecr';
import { assertRepositoryName } from './names';
import { toImageSummary, toRepositorySummary, type ImageSummary, type RepositorySummary } from './listing';
import type { RawAuthorization } from './tokenCache';
import { errorMessage, errorName } from '../errors';


export interface CreateRepositoryOptions {
  registryId?: string;
  name: string;
  tagMutability?: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush?: boolean;
  encryption?: { type: 'AES256' | 'KMS'; kmsKey?: string };
}

/** Creates a repository; the name is checked against ECR's rules first (InvalidNameError, no call made). */
export async function createRepository(client: ECRClient, options: CreateRepositoryOptions): Promise<RepositorySummary> {
  assertRepositoryName(options.name);
  const { CreateRepositoryCommand } = await import('@aws-sdk/client-ecr');
  const encryption = options.encryption ?? { type: 'AES256' };
  const response = await client.send(
    new CreateRepositoryCommand({
      registryId: options.registryId,
      repositoryName: options.name,
      imageTagMutability: options.tagMutability ?? 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: options.scanOnPush ?? false },
      encryptionConfiguration:
        encryption.type === 'KMS' ? { encryptionType: 'KMS', kmsKey: encryption.kmsKey || undefined } : { encryptionType: 'AES256' },
    }),
  );
  if (!response.repository) throw new Error(`ECR did not return the repository "${options.name}" it created.`);
  return toRepositorySummary(response.repository);
}

/** Deletes a repository; `force` also deletes its images (ECR refuses otherwise). */
export async function deleteRepository(
  client: ECRClient,
  options: { registryId?: string; name: string; force: boolean },
): Promise<RepositorySummary | undefined> {
  const { DeleteRepositoryCommand } = await import('@aws-sdk/client-ecr');
  const response = await client.send(new DeleteRepositoryCommand({ registryId: options.registryId, repositoryName: options.name, force: options.force }));
  return response.repository ? toRepositorySummary(response.repository) : undefined;
}

/** The repository, or undefined when it does not exist. */
export async function describeRepository(client: ECRClient, name: string, registryId?: string): Promise<RepositorySummary | undefined> {
  const { DescribeRepositoriesCommand } = await import('@aws-sdk/client-ecr');
  try {
    const response = await client.send(new DescribeRepositoriesCommand({ registryId, repositoryNames: [name] }));
    const found = response.repositories?.[0];
    return found ? toRepositorySummary(found) : undefined;
  } catch (error) {
    if (errorName(error) === 'RepositoryNotFoundException') return undefined;
    throw error;
  }
}

/**
 * What build-and-push needs before a push: the repository exists, created when allowed. A
 * concurrent creation by someone else counts as existing.
 */
export async function ensureRepository(
  client: ECRClient,
  name: string,
  options: { create: boolean; registryId?: string; settings?: Omit<CreateRepositoryOptions, 'name' | 'registryId'> },
): Promise<{ created: boolean; repository: RepositorySummary }> {
  assertRepositoryName(name);
  const existing = await describeRepository(client, name, options.registryId);
  if (existing) return { created: false, repository: existing };
  if (!options.create) {
    throw Object.assign(new Error(`Repository "${name}" does not exist in ECR. Create it first (ECR: Create Repository…).`), {
      name: 'RepositoryNotFoundException',
    });
  }
  try {
    return { created: true, repository: await createRepository(client, { ...options.settings, name, registryId: options.registryId }) };
  } catch (error) {
    if (errorName(error) !== 'RepositoryAlreadyExistsException') throw error;
    const raced = await describeRepository(client, name, options.registryId);
    if (!raced) throw error;
    return { created: false, repository: raced };
  }
}

export interface ImageDeletionFailure {
  imageId: ImageIdentifier;
  code: string;
  reason: string;
}

export interface BatchDeleteResult {
  deleted: ImageIdentifier[];
  failures: ImageDeletionFailure[];
  /** BatchDeleteImage calls made (one per 100 ids). */
  calls: number;
}

/** ECR's BatchDeleteImage limit. */
export const BATCH_LIMIT = 100;

/**
 * Deletes images in batches of 100. Per-image failures (ECR's `failures[]`) and whole-batch errors
 * are collected and returned, never thrown, so one bad id never hides what did get deleted.
 */
export async function batchDeleteImages(
  client: ECRClient,
  options: { registryId?: string; repository: string; imageIds: ImageIdentifier[]; onProgress?: (done: number, total: number) => void },
): Promise<BatchDeleteResult> {
  const { BatchDeleteImageCommand } = await import('@aws-sdk/client-ecr');
  const result: BatchDeleteResult = { deleted: [], failures: [], calls: 0 };
  for (let start = 0; start < options.imageIds.length; start += BATCH_LIMIT) {
    const chunk = options.imageIds.slice(start, start + BATCH_LIMIT);
    result.calls++;
    try {
      const response = await client.send(
        new BatchDeleteImageCommand({ registryId: options.registryId, repositoryName: options.repository, imageIds: chunk }),
      );
      result.deleted.push(...(response.imageIds ?? []));
      for (const failure of response.failures ?? []) {
        result.failures.push({
          imageId: failure.imageId ?? {},
          code: failure.failureCode ?? 'Unknown',
          reason: failure.failureReason ?? 'ECR gave no reason',
        });
      }
    } catch (error) {
      const code = errorName(error) ?? 'Error';
      const reason = errorMessage(error);
      for (const imageId of chunk) result.failures.push({ imageId, code, reason });
    }
    options.onProgress?.(Math.min(start + BATCH_LIMIT, options.imageIds.length), options.imageIds.length);
  }
  return result;
}

export interface ImageCheck {
  /** `aqueduct-name`: whether Aqueduct's image() can name it (added by the VS Code command). */
  name: 'exists' | 'manifest' | 'aqueduct-name';
  title: string;
  ok: boolean;
  detail: string;
}

export interface ImageCheckReport {
  ok: boolean;
  checks: ImageCheck[];
  image?: ImageSummary;
}

const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
];

/**
 * What Aqueduct's image() check asks of an ECR image: it exists in the repository, and its
 * manifest can be read (BatchGetImage, what a pull does first). Each check is reported.
 */
export async function checkImage(
  client: ECRClient,
  target: { registryId?: string; repository: string; tag?: string; digest?: string },
): Promise<ImageCheckReport> {
  const { DescribeImagesCommand, BatchGetImageCommand } = await import('@aws-sdk/client-ecr');
  const imageId: ImageIdentifier = target.digest ? { imageDigest: target.digest } : { imageTag: target.tag ?? 'latest' };
  const label = target.digest ?? `${target.repository}:${imageId.imageTag}`;
  const checks: ImageCheck[] = [];
  let image: ImageSummary | undefined;
  try {
    const described = await client.send(
      // imageStatus ANY: without it ECR answers only for ACTIVE images (DescribeImagesFilter).
      new DescribeImagesCommand({ registryId: target.registryId, repositoryName: target.repository, imageIds: [imageId], filter: { imageStatus: 'ANY' } }),
    );
    const detail = described.imageDetails?.[0];
    image = detail ? toImageSummary(detail) : undefined;
    checks.push(
      image
        ? { name: 'exists', title: 'Exists in ECR', ok: true, detail: `${label} is ${image.digest}` }
        : { name: 'exists', title: 'Exists in ECR', ok: false, detail: `ECR returned no image for ${label}` },
    );
  } catch (error) {
    const name = errorName(error);
    const detail =
      name === 'ImageNotFoundException'
        ? `No image ${label} in repository ${target.repository}`
        : name === 'RepositoryNotFoundException'
          ? `Repository ${target.repository} does not exist`
          : errorMessage(error);
    checks.push({ name: 'exists', title: 'Exists in ECR', ok: false, detail });
    if (name !== 'ImageNotFoundException' && name !== 'RepositoryNotFoundException') throw error;
  }
  if (!checks[0].ok) {
    checks.push({ name: 'manifest', title: 'Manifest readable', ok: false, detail: 'Skipped: the image does not exist' });
    return { ok: false, checks, image };
  }
  const got = await client.send(
    new BatchGetImageCommand({
      registryId: target.registryId,
      repositoryName: target.repository,
      imageIds: [imageId],
      acceptedMediaTypes: MANIFEST_MEDIA_TYPES,
    }),
  );
  const manifest = got.images?.[0]?.imageManifest;
  const failure = got.failures?.[0];
  if (manifest) {
    let mediaType = got.images?.[0]?.imageManifestMediaType;
    try {
      mediaType ??= (JSON.parse(manifest) as { mediaType?: string }).mediaType;
    } catch {
      // A manifest that is not JSON is still readable; the media type stays unknown.
    }
    checks.push({ name: 'manifest', title: 'Manifest readable', ok: true, detail: `${manifest.length} bytes${mediaType ? `, ${mediaType}` : ''}` });
  } else {
    checks.push({
      name: 'manifest',
      title: 'Manifest readable',
      ok: false,
      detail: failure ? `${failure.failureCode}: ${failure.failureReason}` : 'ECR returned no manifest',
    });
  }
  return { ok: checks.every((check) => check.ok), checks, image };
}

/** One GetAuthorizationToken call, shaped for TokenCache. */
export async function fetchAuthorization(client: ECRClient): Promise<RawAuthorization> {
  const { GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
  // No registryIds: ECR deprecated it; the token works for every registry the caller can reach.
  const response = await client.send(new GetAuthorizationTokenCommand({}));
  const data = response.authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error('ECR returned no authorization token.');
  return { authorizationToken: data.authorizationToken, proxyEndpoint: data.proxyEndpoint, expiresAt: data.expiresAt };
}
