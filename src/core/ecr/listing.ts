import type { ECRClient, ImageDetail, ImageIdentifier, Repository } from '@aws-sdk/client-ecr';
import { intern } from './intern';
import { clampPageSize, collectAll, paginate, type Page } from './pagination';

/** A repository as the tree and commands see it (plain data, no SDK types). */
export interface RepositorySummary {
  name: string;
  registryId: string;
  uri: string;
  arn: string;
  createdAt?: Date;
  tagMutability: string;
  /** The exclusion filters of a *_WITH_EXCLUSION mode (empty otherwise). */
  tagMutabilityExclusionFilters: Array<{ filterType: 'WILDCARD'; filter: string }>;
  scanOnPush: boolean;
  encryption: { type: string; kmsKey?: string };
}

/** One image (one digest) with every tag that points at it. */
export interface ImageSummary {
  repository: string;
  registryId: string;
  digest: string;
  tags: string[];
  sizeBytes?: number;
  pushedAt?: Date;
  lastPulledAt?: Date;
  mediaType?: string;
  artifactMediaType?: string;
  /** e.g. COMPLETE, IN_PROGRESS, FAILED, or undefined when the image was never scanned. */
  scanStatus?: string;
  /** Counts by severity from the last scan, e.g. { CRITICAL: 1, HIGH: 4 }. */
  scanFindings?: Record<string, number>;
  /** ACTIVE, ARCHIVED or ACTIVATING (being restored); undefined when the endpoint does not say (moto). */
  status?: string;
  /** When the image last moved to the archive storage class. */
  lastArchivedAt?: Date;
  /** When the image was last restored from the archive. */
  lastActivatedAt?: Date;
}

export interface ListOptions {
  registryId?: string;
  /** maxResults per call, 1-1000 (default 1000: the fewest calls). */
  pageSize?: number;
  signal?: AbortSignal;
  /** Resume after this token (the tree's "Load more"). */
  startToken?: string;
  /**
   * DescribeImages' filter.imageStatus: without it ECR lists ACTIVE images only; ANY adds archived
   * and restoring ones. Left out of the request when unset (endpoints without archives, like moto).
   */
  imageStatus?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' | 'ANY';
}

// Listed items are compact records: plain fields copied out of the SDK response (which is then
// dropped), strings that repeat across items interned, and shared empty values.
const NO_EXCLUSION_FILTERS: RepositorySummary['tagMutabilityExclusionFilters'] = Object.freeze([]) as unknown as RepositorySummary['tagMutabilityExclusionFilters'];

export function toRepositorySummary(repository: Repository): RepositorySummary {
  const exclusionFilters = repository.imageTagMutabilityExclusionFilters ?? [];
  return {
    name: intern(repository.repositoryName ?? ''),
    registryId: intern(repository.registryId ?? ''),
    uri: repository.repositoryUri ?? '',
    arn: repository.repositoryArn ?? '',
    createdAt: repository.createdAt,
    tagMutability: intern(repository.imageTagMutability ?? 'MUTABLE'),
    tagMutabilityExclusionFilters: exclusionFilters.length === 0 ? NO_EXCLUSION_FILTERS : exclusionFilters
      .filter((entry) => typeof entry.filter === 'string')
      .map((entry) => ({ filterType: 'WILDCARD' as const, filter: entry.filter as string })),
    scanOnPush: repository.imageScanningConfiguration?.scanOnPush ?? false,
    encryption: {
      type: intern(repository.encryptionConfiguration?.encryptionType ?? 'AES256'),
      kmsKey: repository.encryptionConfiguration?.kmsKey,
    },
  };
}

export function toImageSummary(detail: ImageDetail): ImageSummary {
  const counts = detail.imageScanFindingsSummary?.findingSeverityCounts;
  return {
    repository: intern(detail.repositoryName ?? ''),
    registryId: intern(detail.registryId ?? ''),
    digest: detail.imageDigest ?? '',
    tags: [...(detail.imageTags ?? [])],
    sizeBytes: detail.imageSizeInBytes,
    pushedAt: detail.imagePushedAt,
    lastPulledAt: detail.lastRecordedPullTime,
    mediaType: intern(detail.imageManifestMediaType),
    artifactMediaType: intern(detail.artifactMediaType),
    scanStatus: intern(detail.imageScanStatus?.status),
    scanFindings: counts && Object.keys(counts).length ? { ...counts } : undefined,
    status: intern(detail.imageStatus),
    lastArchivedAt: detail.lastArchivedAt,
    lastActivatedAt: detail.lastActivatedAt,
  };
}

/** DescribeRepositories, one page per iteration. */
export function repositoryPages(client: ECRClient, options: ListOptions = {}): AsyncGenerator<Page<RepositorySummary>, void, undefined> {
  const maxResults = clampPageSize(options.pageSize);
  return paginate(
    async (nextToken) => {
      const { DescribeRepositoriesCommand } = await import('@aws-sdk/client-ecr');
      const response = await client.send(
        new DescribeRepositoriesCommand({ registryId: options.registryId, maxResults, nextToken }),
        { abortSignal: options.signal },
      );
      return { items: (response.repositories ?? []).map(toRepositorySummary), nextToken: response.nextToken };
    },
    { signal: options.signal, startToken: options.startToken },
  );
}

/** DescribeImages (size, push time, tags, scan status, last pull, media type), one page per iteration. */
export function imagePages(
  client: ECRClient,
  repositoryName: string,
  options: ListOptions = {},
): AsyncGenerator<Page<ImageSummary>, void, undefined> {
  const maxResults = clampPageSize(options.pageSize);
  return paginate(
    async (nextToken) => {
      const { DescribeImagesCommand } = await import('@aws-sdk/client-ecr');
      const response = await client.send(
        new DescribeImagesCommand({
          registryId: options.registryId,
          repositoryName,
          maxResults,
          nextToken,
          ...(options.imageStatus ? { filter: { imageStatus: options.imageStatus } } : {}),
        }),
        { abortSignal: options.signal },
      );
      return { items: (response.imageDetails ?? []).map(toImageSummary), nextToken: response.nextToken };
    },
    { signal: options.signal, startToken: options.startToken },
  );
}

/** ListImages (digest + tag pairs only; cheaper), one page per iteration. */
export function imageIdPages(
  client: ECRClient,
  repositoryName: string,
  options: ListOptions = {},
): AsyncGenerator<Page<ImageIdentifier>, void, undefined> {
  const maxResults = clampPageSize(options.pageSize);
  return paginate(
    async (nextToken) => {
      const { ListImagesCommand } = await import('@aws-sdk/client-ecr');
      const response = await client.send(
        new ListImagesCommand({
          registryId: options.registryId,
          repositoryName,
          maxResults,
          nextToken,
          // ListImagesFilter.imageStatus (ECR API model): without it ECR lists ACTIVE images only.
          ...(options.imageStatus ? { filter: { imageStatus: options.imageStatus } } : {}),
        }),
        { abortSignal: options.signal },
      );
      return { items: response.imageIds ?? [], nextToken: response.nextToken };
    },
    { signal: options.signal, startToken: options.startToken },
  );
}

export const listRepositories = (client: ECRClient, options?: ListOptions) => collectAll(repositoryPages(client, options));
export const listImages = (client: ECRClient, repositoryName: string, options?: ListOptions) =>
  collectAll(imagePages(client, repositoryName, options));

/** A repository's images, archived ones counted apart (they are deleted with the repository too). */
export interface ImageCount {
  total: number;
  /** ARCHIVED or ACTIVATING (being restored): listed by ECR only when asked with filter.imageStatus. */
  archived: number;
}

/**
 * How many images (distinct digests) a repository holds, archived ones included and counted apart:
 * DescribeImages with filter.imageStatus ANY (ECR API model, DescribeImagesFilter: without it ECR
 * returns ACTIVE images only, so a repository holding only archived images would look empty).
 */
export async function countImages(client: ECRClient, repositoryName: string, options: ListOptions = {}): Promise<ImageCount> {
  const statuses = new Map<string, string | undefined>();
  for await (const page of imagePages(client, repositoryName, { ...options, imageStatus: 'ANY' })) {
    for (const image of page.items) if (image.digest) statuses.set(image.digest, image.status);
  }
  let archived = 0;
  for (const status of statuses.values()) if (status === 'ARCHIVED' || status === 'ACTIVATING') archived++;
  return { total: statuses.size, archived };
}

/**
 * What Delete Repository asks: every image it deletes, archived ones said apart (ECR deletes them
 * with the repository; `force` is needed whenever any image, archived or not, is left).
 */
export function repositoryDeleteQuestion(name: string, count: ImageCount): { message: string; detail: string; button: string } {
  const n = (value: number) => value.toLocaleString('en-US');
  if (count.total === 0) return { message: `Delete the empty repository ${name}?`, detail: 'This cannot be undone.', button: 'Delete Repository' };
  const images = `${n(count.total)} image${count.total === 1 ? '' : 's'}`;
  const archived = count.archived === 0 ? '' : count.archived === count.total ? ` (${count.total === 1 ? 'it is' : 'all'} archived)` : ` (${n(count.archived)} of them archived)`;
  return {
    message: `Delete repository ${name} and its ${images}${archived}?`,
    detail: `This cannot be undone: every image in it is deleted with it${count.archived ? ', archived images included' : ''}.`,
    button: `Delete Repository and ${n(count.total)} Image${count.total === 1 ? '' : 's'}`,
  };
}

/** Newest push first; images without a push time last; ties by digest for a stable order. */
export function compareNewestFirst(a: ImageSummary, b: ImageSummary): number {
  const byTime = (b.pushedAt?.getTime() ?? -Infinity) - (a.pushedAt?.getTime() ?? -Infinity);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  return a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0;
}

/** One entry per tag (newest push first, tags of one image alphabetically), and the untagged images apart. */
export function tagEntries(images: ImageSummary[]): { tagged: Array<{ tag: string; image: ImageSummary }>; untagged: ImageSummary[] } {
  const sorted = [...images].sort(compareNewestFirst);
  const tagged: Array<{ tag: string; image: ImageSummary }> = [];
  const untagged: ImageSummary[] = [];
  for (const image of sorted) {
    if (image.tags.length === 0) untagged.push(image);
    for (const tag of [...image.tags].sort()) tagged.push({ tag, image });
  }
  return { tagged, untagged };
}
