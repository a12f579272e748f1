/**
 * The manifests the lifecycle preview needs to see which images belong together, read through the
 * ECR API (BatchGetImage, at most 100 ids a call, per-image `failures[]`) rather than the registry
 * endpoint: the preview already holds an ECR client, and the same ecr: permissions apply.
 * Only images that can name others are read: indexes (their platform images and attestations) and
 * artifacts (signatures, SBOMs naming a `subject`); plain images name nothing.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ImageSummary } from '../ecr/listing';
import { isIndexType, MANIFEST_ACCEPT, type Manifest } from '../registry/mediaTypes';
import { buildImageGraph, type ImageGraph } from './graph';

const BATCH = 100;

/** Images whose manifest may reference other images of the repository. */
export const mayReferenceOthers = (image: Pick<ImageSummary, 'mediaType' | 'artifactMediaType'>) => isIndexType(image.mediaType) || Boolean(image.artifactMediaType);

export interface ManifestRead {
  manifests: Map<string, Manifest>;
  /** Digests ECR could not return (failureCode: failureReason), e.g. an archived image. */
  failures: string[];
}

/** BatchGetImage for `digests`, 100 at a time; per-image failures are collected, not thrown. */
export async function readManifests(client: ECRClient, repository: string, digests: string[], registryId?: string): Promise<ManifestRead> {
  const { BatchGetImageCommand } = await import('@aws-sdk/client-ecr');
  const manifests = new Map<string, Manifest>();
  const failures: string[] = [];
  for (let start = 0; start < digests.length; start += BATCH) {
    const response = await client.send(
      new BatchGetImageCommand({
        registryId,
        repositoryName: repository,
        imageIds: digests.slice(start, start + BATCH).map((imageDigest) => ({ imageDigest })),
        acceptedMediaTypes: [...MANIFEST_ACCEPT],
      }),
    );
    for (const image of response.images ?? []) {
      const digest = image.imageId?.imageDigest;
      if (!digest || !image.imageManifest) continue;
      try {
        manifests.set(digest, JSON.parse(image.imageManifest) as Manifest);
      } catch {
        failures.push(`${digest}: the manifest is not JSON`);
      }
    }
    for (const failure of response.failures ?? []) failures.push(`${failure.imageId?.imageDigest ?? 'an image'}: ${failure.failureCode ?? 'failed'} (${failure.failureReason ?? 'no reason given'})`);
  }
  return { manifests, failures };
}

/** The image graph of a listed repository, reading only the manifests that can reference others. */
export async function imageGraphFromEcr(client: ECRClient, repository: string, images: ImageSummary[], registryId?: string): Promise<{ graph: ImageGraph; failures: string[] }> {
  const { manifests, failures } = await readManifests(client, repository, images.filter(mayReferenceOthers).map((image) => image.digest), registryId);
  return { graph: buildImageGraph(images, manifests), failures };
}
