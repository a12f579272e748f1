/**
 * The manifests the lifecycle preview needs to see which images belong together, read through the
 * ECR API (BatchGetImage, at most 100 ids a call, per-image `failures[]`) rather than the registry
 * endpoint: the preview already holds an ECR client, and the same ecr: permissions apply.
 * Only images that can name others are read: indexes (their platform images and attestations) and
 * artifacts (signatures, SBOMs naming a `subject`); plain images name nothing. On ECR a read is a
 * pull (users report BatchGetImage updating lastRecordedPullTime, aws/containers-roadmap#2390), so
 * what the manifest cache already holds is not read again, and archived images (which ECR refuses to
 * serve) are never asked for.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { listImages, type ImageSummary } from '../ecr/listing';
import { artifactTypeOf } from '../ecr/format';
import { isArchived } from '../ecr/storageClass';
import { isIndexType, MANIFEST_ACCEPT, type Manifest } from '../registry/mediaTypes';
import { buildImageGraph, type ImageGraph } from './graph';
import { ManifestCache } from './manifestCache';

const BATCH = 100;
/** Images whose manifest may reference other images of the repository: indexes and artifacts, never an ordinary image. */
export const mayReferenceOthers = (image: Pick<ImageSummary, 'mediaType' | 'artifactMediaType'>) => isIndexType(image.mediaType) || artifactTypeOf(image) !== undefined;

export interface ManifestRead {
  manifests: Map<string, Manifest>;
  /** Digests ECR could not return (failureCode: failureReason), e.g. an archived image. */
  failures: string[];
}

/** Manifests for `digests`: from the cache, else BatchGetImage 100 at a time; per-image failures are collected, not thrown. */
export async function readManifests(client: ECRClient, repository: string, digests: string[], registryId?: string, cache: ManifestCache = new ManifestCache()): Promise<ManifestRead> {
  const manifests = new Map<string, Manifest>();
  const failures: string[] = [];
  const missing: string[] = [];
  for (const digest of digests) {
    const cached = await cache.cached(digest);
    if (cached) manifests.set(digest, cached);
    else missing.push(digest);
  }
  if (missing.length === 0) return { manifests, failures };
  const { BatchGetImageCommand } = await import('@aws-sdk/client-ecr');
  for (let start = 0; start < missing.length; start += BATCH) {
    const response = await client.send(
      new BatchGetImageCommand({
        registryId,
        repositoryName: repository,
        imageIds: missing.slice(start, start + BATCH).map((imageDigest) => ({ imageDigest })),
        acceptedMediaTypes: [...MANIFEST_ACCEPT],
      }),
    );
    for (const image of response.images ?? []) {
      const digest = image.imageId?.imageDigest;
      if (!digest || !image.imageManifest) continue;
      try {
        manifests.set(digest, await cache.remember(digest, image.imageManifest));
      } catch {
        failures.push(`${digest}: the manifest is not JSON`);
      }
    }
    for (const failure of response.failures ?? []) failures.push(`${failure.imageId?.imageDigest ?? 'an image'}: ${failure.failureCode ?? 'failed'} (${failure.failureReason ?? 'no reason given'})`);
  }
  return { manifests, failures };
}

/**
 * The image graph of a listed repository, reading only the manifests that can reference others.
 * An archived image's manifest comes from the cache or not at all: ECR refuses to serve it.
 */
export async function imageGraphFromEcr(client: ECRClient, repository: string, images: ImageSummary[], registryId?: string, cache: ManifestCache = new ManifestCache()): Promise<{ graph: ImageGraph; failures: string[] }> {
  const manifests = new Map<string, Manifest>();
  const failures: string[] = [];
  const read = async (wanted: ImageSummary[]) => {
    const got = await readManifests(client, repository, wanted.filter((image) => !isArchived(image)).map((image) => image.digest), registryId, cache);
    for (const [digest, manifest] of got.manifests) manifests.set(digest, manifest);
    failures.push(...got.failures);
    for (const image of wanted.filter(isArchived)) {
      const cached = await cache.cached(image.digest);
      if (cached) manifests.set(image.digest, cached);
    }
  };
  // Indexes first; then the artifacts no index lists (an index's attestations are known from it).
  await read(images.filter((image) => isIndexType(image.mediaType)));
  const listed = new Set([...manifests.values()].flatMap((manifest) => (manifest.manifests ?? []).map((child) => child.digest)));
  await read(images.filter((image) => !isIndexType(image.mediaType) && mayReferenceOthers(image) && !listed.has(image.digest)));
  return { graph: buildImageGraph(images, manifests), failures };
}

/**
 * What the lifecycle preview evaluates: every image of the repository, archived ones included
 * (DescribeImages filter.imageStatus ANY: without it ECR lists ACTIVE images only, and rules on
 * `storageClass: archive` could never match), and their index relations.
 */
export async function lifecyclePreviewInputs(
  client: ECRClient,
  repository: string,
  options: { registryId?: string; cache?: ManifestCache } = {},
): Promise<{ images: ImageSummary[]; graph: ImageGraph; failures: string[] }> {
  const images = await listImages(client, repository, { registryId: options.registryId, imageStatus: 'ANY' });
  const { graph, failures } = await imageGraphFromEcr(client, repository, images, options.registryId, options.cache);
  return { images, graph, failures };
}
