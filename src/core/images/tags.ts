/**
 * Tags without pulling. Adding or moving a tag PUTs the image's manifest bytes, exactly as
 * stored and with their media type, under the new tag, so the digest never changes. Before a PUT
 * the tag is looked up: when it already names another image, or the repository is immutable, the
 * operation stops and says so (the UI asks, then calls again with `move: true`). Removing one tag
 * goes through the ECR API (BatchDeleteImage by tag), which keeps the image and its other tags.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { RegistryClient } from '../registry/client';
import { errorName } from '../errors';

export type TagOutcome =
  | { status: 'tagged'; tag: string; digest: string; movedFrom?: string }
  | { status: 'already'; tag: string; digest: string }
  | { status: 'points-elsewhere'; tag: string; digest: string; currentDigest: string; message: string }
  | { status: 'immutable'; tag: string; digest: string; currentDigest: string; message: string };

export interface TagOptions {
  /** Take the tag from the image it names now (the user agreed). */
  move?: boolean;
  /** The repository's tag mutability (from DescribeRepositories): IMMUTABLE* refuses moves. */
  tagMutability?: string;
  signal?: AbortSignal;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function tagProblem(tag: string): string | undefined {
  if (!TAG.test(tag)) return `"${tag}" is not a valid tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-".`;
  return undefined;
}

/** Puts `tag` on the image `reference` (tag or digest) of `repository`; the digest is unchanged. */
export async function addTag(client: RegistryClient, repository: string, reference: string, tag: string, options: TagOptions = {}): Promise<TagOutcome> {
  const problem = tagProblem(tag);
  if (problem) throw new Error(problem);
  const source = await client.getManifest(repository, reference, { signal: options.signal });
  const current = await client.headManifest(repository, tag, { signal: options.signal });
  if (current?.digest === source.digest) return { status: 'already', tag, digest: source.digest };
  if (current) {
    const immutable = /^IMMUTABLE/.test(options.tagMutability ?? '');
    if (immutable) {
      return {
        status: 'immutable',
        tag,
        digest: source.digest,
        currentDigest: current.digest,
        message: `${repository}:${tag} already names ${current.digest} and the repository's tags are immutable: ECR will refuse to move it. Choose another tag, or change the repository's tag mutability first.`,
      };
    }
    if (!options.move) {
      return {
        status: 'points-elsewhere',
        tag,
        digest: source.digest,
        currentDigest: current.digest,
        message: `${repository}:${tag} names another image (${current.digest}). Move it to ${source.digest}? The other image keeps its other tags, or stays untagged.`,
      };
    }
  }
  const put = await client.putManifest(repository, tag, source.bytes, source.mediaType, { signal: options.signal });
  if (put !== source.digest) throw new Error(`The registry stored ${put} for ${repository}:${tag}, not ${source.digest}.`);
  return { status: 'tagged', tag, digest: put, ...(current ? { movedFrom: current.digest } : {}) };
}

/**
 * Removes one tag through ECR's API (BatchDeleteImage with only the tag): the image keeps its other
 * tags. ECR's API reference: "When you remove the last tag from an image, the image is deleted from
 * your repository", so callers warn before removing an image's last tag (`isLastTag`).
 */
export async function removeTag(ecr: ECRClient, repository: string, tag: string, registryId?: string): Promise<{ removed: boolean; reason?: string }> {
  const { BatchDeleteImageCommand } = await import('@aws-sdk/client-ecr');
  const answer = await ecr.send(new BatchDeleteImageCommand({ registryId, repositoryName: repository, imageIds: [{ imageTag: tag }] }));
  const failure = answer.failures?.[0];
  if (failure) return { removed: false, reason: `${failure.failureCode}: ${failure.failureReason}` };
  return { removed: (answer.imageIds ?? []).some((id) => id.imageTag === tag) };
}

/** The image a tag names now, as ECR lists it (its digest and every tag), or undefined when the tag does not exist. */
export async function imageByTag(ecr: ECRClient, repository: string, tag: string, registryId?: string): Promise<{ digest: string; tags: string[] } | undefined> {
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ecr');
  try {
    // imageStatus ANY: without it ECR answers only for ACTIVE images (DescribeImagesFilter), and a tag
    // an archived image holds would look free.
    const answer = await ecr.send(new DescribeImagesCommand({ registryId, repositoryName: repository, imageIds: [{ imageTag: tag }], filter: { imageStatus: 'ANY' } }));
    const detail = answer.imageDetails?.[0];
    return detail?.imageDigest ? { digest: detail.imageDigest, tags: detail.imageTags ?? [] } : undefined;
  } catch (error) {
    if (errorName(error) === 'ImageNotFoundException') return undefined;
    throw error;
  }
}
