import { createHash } from 'node:crypto';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { fakeClient } from './fakeClient';

/**
 * A repository as real ECR answers for it, for unit tests of what moto cannot show (archived images,
 * artifactMediaType on ordinary images). Answer shapes and rules from the ECR API model (the SDK's
 * types, @aws-sdk/client-ecr 3.1178):
 * - DescribeImagesFilter / ListImagesFilter `imageStatus`: "If not specified, only images with ACTIVE
 *   status are returned"; ANY returns every status. Named ids are filtered the same way; an id left
 *   with no image answers ImageNotFoundException (docs silent on which of "dropped" or "not found":
 *   the stricter one, so code must ask with the filter to see archived images at all).
 * - ImageDetail.artifactMediaType: on ordinary images too, the config's media type (API reference,
 *   DescribeImages example).
 * - BatchGetImage: per-image failures (ImageNotFound) for what is not pullable; every image returned
 *   counts as a read (users report it updates lastRecordedPullTime, aws/containers-roadmap#2390).
 */
export interface RecordedImage {
  digest?: string;
  tags?: string[];
  status?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING';
  /** The manifest's exact bytes (its sha256 is the digest when `digest` is left out). */
  manifest: string;
  mediaType: string;
  artifactMediaType?: string;
  pushedAt?: Date;
  lastRecordedPullTime?: Date;
  lastArchivedAt?: Date;
}

export const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export function recordedEcr(repository: string, images: RecordedImage[]): { client: ECRClient; calls: Array<{ name: string; input: Record<string, unknown> }>; manifestReads: string[]; images: Array<RecordedImage & { digest: string }> } {
  const stored = images.map((image) => ({ ...image, digest: image.digest ?? digestOf(image.manifest), status: image.status ?? 'ACTIVE' }));
  const manifestReads: string[] = [];
  const notFound = (message: string) => Object.assign(new Error(message), { name: 'ImageNotFoundException' });
  const visible = (filter: { imageStatus?: string } | undefined) => (image: (typeof stored)[number]) => {
    const wanted = filter?.imageStatus ?? 'ACTIVE';
    return wanted === 'ANY' || image.status === wanted;
  };
  const find = (id: { imageDigest?: string; imageTag?: string }) => stored.find((image) => (id.imageDigest ? image.digest === id.imageDigest : image.tags?.includes(id.imageTag ?? '')));
  const detail = (image: (typeof stored)[number]) => ({
    registryId: '123456789012',
    repositoryName: repository,
    imageDigest: image.digest,
    ...(image.tags?.length ? { imageTags: image.tags } : {}),
    imageSizeInBytes: 1000,
    imagePushedAt: image.pushedAt ?? new Date('2026-06-01T00:00:00Z'),
    ...(image.lastRecordedPullTime ? { lastRecordedPullTime: image.lastRecordedPullTime } : {}),
    imageManifestMediaType: image.mediaType,
    ...(image.artifactMediaType ? { artifactMediaType: image.artifactMediaType } : {}),
    imageStatus: image.status,
    ...(image.lastArchivedAt ? { lastArchivedAt: image.lastArchivedAt } : {}),
  });
  const { client, calls } = fakeClient((name, input) => {
    if (input.repositoryName !== repository) return Object.assign(new Error(`repository ${String(input.repositoryName)} not found`), { name: 'RepositoryNotFoundException' });
    const filter = input.filter as { imageStatus?: string } | undefined;
    const ids = input.imageIds as Array<{ imageDigest?: string; imageTag?: string }> | undefined;
    switch (name) {
      case 'DescribeImagesCommand': {
        if (ids) {
          const found = ids.map(find).filter((image) => image && visible(filter)(image));
          if (found.length < ids.length) return notFound(`The image with imageId ${JSON.stringify(ids[0])} does not exist within the repository with name '${repository}'`);
          return { imageDetails: found.map((image) => detail(image!)) };
        }
        return { imageDetails: stored.filter(visible(filter)).map(detail) };
      }
      case 'ListImagesCommand':
        return { imageIds: stored.filter(visible(filter)).flatMap((image) => (image.tags?.length ? image.tags.map((imageTag) => ({ imageDigest: image.digest, imageTag })) : [{ imageDigest: image.digest }])) };
      case 'BatchGetImageCommand': {
        const answer = { images: [] as unknown[], failures: [] as unknown[] };
        for (const id of ids ?? []) {
          const image = find(id);
          if (!image || image.status !== 'ACTIVE') {
            answer.failures.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
            continue;
          }
          manifestReads.push(image.digest);
          answer.images.push({ registryId: '123456789012', repositoryName: repository, imageId: { imageDigest: image.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) }, imageManifest: image.manifest, imageManifestMediaType: image.mediaType });
        }
        return answer;
      }
      default:
        return new Error(`recordedEcr: ${name} is not recorded`);
    }
  });
  return { client, calls, manifestReads, images: stored };
}
