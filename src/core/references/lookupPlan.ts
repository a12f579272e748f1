import type { FoundReference } from './recognise';
import { referenceFindings } from './findings';

/**
 * Which ECR calls check a document's images: DescribeImages takes at most 100 image ids per call
 * (ECR API model, botocore `ecr` service-2.json: `DescribeImagesRequest.imageIds` is an
 * `ImageIdentifierList`, min 1, max 100), so images are grouped per registry and repository, each
 * repository's ids deduplicated and cut into calls of 100: a document naming 300 images in 40
 * repositories costs 40 calls when no repository has more than 100 of them. Repositories named
 * with no tag or digest are checked with DescribeRepositories, whose `repositoryNames`
 * (`RepositoryNameList`) also takes 1 to 100 names per call.
 */
export const MAX_IMAGE_IDS_PER_CALL = 100;
export const MAX_REPOSITORY_NAMES_PER_CALL = 100;

/** An image to look up in one registry (the caller's key: a host, or `<account>/<region>`). */
export interface ImageToLookUp {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export interface ImageId {
  imageTag?: string;
  imageDigest?: string;
}

export interface DescribeImagesCall {
  operation: 'DescribeImages';
  registry: string;
  repository: string;
  imageIds: ImageId[];
}

export interface DescribeRepositoriesCall {
  operation: 'DescribeRepositories';
  registry: string;
  repositoryNames: string[];
}

export type LookupCall = DescribeImagesCall | DescribeRepositoriesCall;

export function lookupPlan(images: readonly ImageToLookUp[]): LookupCall[] {
  const byRepository = new Map<string, { registry: string; repository: string; ids: Map<string, ImageId> }>();
  for (const image of images) {
    const key = `${image.registry}\u0000${image.repository}`;
    let entry = byRepository.get(key);
    if (!entry) byRepository.set(key, (entry = { registry: image.registry, repository: image.repository, ids: new Map() }));
    // A digest names the image exactly; with both, ECR checks that the tag points at that digest, which the caller compares itself.
    const id: ImageId | undefined = image.digest ? { imageDigest: image.digest } : image.tag ? { imageTag: image.tag } : undefined;
    if (id) entry.ids.set(id.imageDigest ? `@${id.imageDigest}` : `:${id.imageTag}`, id);
    if (image.digest && image.tag) entry.ids.set(`:${image.tag}`, { imageTag: image.tag });
  }
  const calls: LookupCall[] = [];
  const namesOnly = new Map<string, string[]>();
  for (const { registry, repository, ids } of byRepository.values()) {
    const list = [...ids.values()];
    if (list.length === 0) {
      namesOnly.set(registry, [...(namesOnly.get(registry) ?? []), repository]);
      continue;
    }
    for (let i = 0; i < list.length; i += MAX_IMAGE_IDS_PER_CALL) {
      calls.push({ operation: 'DescribeImages', registry, repository, imageIds: list.slice(i, i + MAX_IMAGE_IDS_PER_CALL) });
    }
  }
  for (const [registry, names] of namesOnly) {
    for (let i = 0; i < names.length; i += MAX_REPOSITORY_NAMES_PER_CALL) {
      calls.push({ operation: 'DescribeRepositories', registry, repositoryNames: names.slice(i, i + MAX_REPOSITORY_NAMES_PER_CALL) });
    }
  }
  return calls;
}

/**
 * The images of a document's references worth asking a registry about: well-formed ones (a
 * malformed reference has its syntax finding and nothing to look up) whose registry the caller
 * knows. `registryOf` maps a reference to the caller's registry key, or undefined for a registry
 * the user has not connected (never looked up); an Aqueduct `image()` has no host, and the caller
 * resolves it against the registry the user connected.
 */
export function imagesToLookUp(references: readonly FoundReference[], registryOf: (reference: FoundReference) => string | undefined): ImageToLookUp[] {
  const images: ImageToLookUp[] = [];
  for (const reference of references) {
    if (!reference.repository || referenceFindings(reference).length > 0) continue;
    const registry = registryOf(reference);
    if (registry === undefined) continue;
    images.push({ registry, repository: reference.repository.text, tag: reference.tag?.text, digest: reference.digest?.text });
  }
  return images;
}
