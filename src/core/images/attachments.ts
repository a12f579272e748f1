/**
 * Where an image's attachments (signatures, attestations, SBOMs: manifests about it) are found in a
 * registry, per the OCI distribution spec 1.1 ("Listing Referrers", "Referrers Tag Schema") and
 * cosign's conventions:
 * - the referrers API, `GET /v2/<name>/referrers/<digest>` (ECR has it; the CNCF registry 2.8 does not);
 * - the referrers fallback tag, `sha256-<hex>` with no suffix: an image index whose `manifests` are
 *   the referrers, which clients write to registries without the API
 *   (https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#referrers-tag-schema);
 * - cosign's tags `sha256-<hex>.sig`, `.att`, `.sbom`, each naming one manifest
 *   (https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md).
 * Pure over a RegistryClient: no AWS calls.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { errorName } from '../errors';
import type { RegistryClient } from '../registry/client';

/** Referrers of a subject as a list of digests, or undefined when the source cannot tell (then the registry's referrers API is asked). */
export type ReferrerLister = (repository: string, subject: string) => Promise<string[] | undefined>;

/**
 * ECR's own ListImageReferrers (API reference: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImageReferrers.html;
 * request subjectId.imageDigest, paged by nextToken; answer referrers[].digest, archived ones too with
 * artifactStatus ANY). Undefined where the endpoint does not have the operation (an older or emulated
 * endpoint), so the registry endpoint's referrers API is asked instead.
 */
export function ecrReferrers(client: ECRClient, registryId?: string): ReferrerLister {
  return async (repository, subject) => {
    const { ListImageReferrersCommand } = await import('@aws-sdk/client-ecr');
    const digests: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await client.send(new ListImageReferrersCommand({ registryId, repositoryName: repository, subjectId: { imageDigest: subject }, filter: { artifactStatus: 'ANY' }, nextToken }));
        for (const referrer of page.referrers ?? []) digests.push(referrer.digest!);
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (error) {
      if (['AccessDeniedException', 'ValidationException', 'RepositoryNotFoundException', 'ImageNotFoundException'].includes(errorName(error) ?? '')) throw error;
      return undefined;
    }
    return digests;
  };
}

/** `sha256-<hex>` (the referrers fallback tag) or cosign's `sha256-<hex>.sig|.att|.sbom`. */
export const ATTACHMENT_TAG = /^sha256-([0-9a-f]{64})(?:\.(sig|att|sbom))?$/;

export interface FoundAttachments {
  /** Manifests about the subjects (and the fallback-tag indexes), by digest. */
  manifests: string[];
  /** Tags of the attachment scheme that name them: copied with them so cosign finds them at the target. */
  tags: Array<{ tag: string; digest: string }>;
}

/** Attachments of `subjects` (an image, or an index and its platform images) in `repository`. */
export async function findAttachments(client: RegistryClient, repository: string, subjects: string[], signal?: AbortSignal, listReferrers?: ReferrerLister): Promise<FoundAttachments> {
  const manifests = new Set<string>();
  const tags: FoundAttachments['tags'] = [];
  const wanted = new Set(subjects.map((digest) => digest.replace(/^sha256:/, '')));
  // ECR's API is asked for the first subject alone: where it lacks the operation, the others go straight to the registry.
  const first = listReferrers && subjects.length ? await listReferrers(repository, subjects[0]) : undefined;
  const [listed, allTags] = await Promise.all([
    Promise.all(
      subjects.map(async (subject, index) => {
        const fromEcr = first === undefined ? undefined : index === 0 ? first : await listReferrers!(repository, subject);
        return fromEcr ? fromEcr.map((digest) => ({ digest })) : client.referrers(repository, subject);
      }),
    ),
    client.listTags(repository).catch(() => [] as string[]),
  ]);
  for (const descriptors of listed) for (const descriptor of descriptors ?? []) manifests.add(descriptor.digest);
  const names = allTags.filter((tag) => wanted.has(ATTACHMENT_TAG.exec(tag)?.[1] ?? ''));
  for (const tag of names) {
    const found = await client.getManifest(repository, tag, { signal });
    tags.push({ tag, digest: found.digest });
    manifests.add(found.digest);
    // The fallback tag's index lists the referrers themselves.
    if (!ATTACHMENT_TAG.exec(tag)?.[2]) for (const descriptor of found.manifest.manifests ?? []) manifests.add(descriptor.digest);
  }
  return { manifests: [...manifests], tags };
}
