/**
 * Archived images (ECR's archive storage class, since 2025): they are listed and described with
 * status ARCHIVED, cannot be pulled (a pull answers 404) until restored, and are restored with
 * UpdateImageStorageClass to STANDARD, passing through ACTIVATING. This module says which images
 * can be pulled or built from, sends the storage-class change, and decides how to follow a restore.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ImageSummary } from './listing';


/** Archived or still being restored: not pullable. An image without a status (moto, older ECR) is active. */
export const isArchived = (image: Pick<ImageSummary, 'status'>) => image.status === 'ARCHIVED' || image.status === 'ACTIVATING';

/** The images a pull or a FROM may use; the archived ones apart, for an "Archived" group. */
export function splitArchived<T extends Pick<ImageSummary, 'status'>>(images: T[]): { active: T[]; archived: T[] } {
  const active: T[] = [];
  const archived: T[] = [];
  for (const image of images) (isArchived(image) ? archived : active).push(image);
  return { active, archived };
}

/** Why this image cannot be pulled or built from now, or undefined when it can. */
export function notPullableReason(image: Pick<ImageSummary, 'status' | 'lastArchivedAt' | 'tags' | 'digest'>): string | undefined {
  const name = image.tags[0] ? `:${image.tags[0]}` : `@${image.digest.slice(0, 19)}`;
  if (image.status === 'ACTIVATING') return `The image ${name} is being restored from the archive; it can be pulled once ECR shows it as active.`;
  if (image.status === 'ARCHIVED') {
    const when = image.lastArchivedAt ? ` on ${image.lastArchivedAt.toISOString().slice(0, 10)}` : '';
    return `The image ${name} was archived${when}; ECR refuses to pull archived images. Restore it first (it returns to standard storage).`;
  }
  return undefined;
}

/**
 * What an action ECR refuses on an archived or restoring image says instead of the registry's 404
 * (Amazon ECR User Guide, "Archiving an image": "Requests to pull the archived image will fail with a
 * 404 error"; Inspect, Check, Add/Remove Tag and Copy read the manifest as a pull does). Undefined
 * when the image can be used.
 */
export function archivedRefusal(action: string, image: Pick<ImageSummary, 'status' | 'lastArchivedAt' | 'tags' | 'digest'>): string | undefined {
  const name = image.tags[0] ? `:${image.tags[0]}` : `@${image.digest.slice(0, 19)}`;
  if (image.status === 'ACTIVATING') return `${action}: the image ${name} is being restored from the archive; ECR serves it once the restore ends (up to 20 minutes). Try again then.`;
  if (image.status !== 'ARCHIVED') return undefined;
  const when = image.lastArchivedAt ? ` on ${image.lastArchivedAt.toISOString().slice(0, 10)}` : '';
  return `${action}: the image ${name} was archived${when}, and ECR refuses to serve archived images (404). Restore it first: it returns to standard storage within 20 minutes.`;
}

export interface StorageClassChange {
  digest: string;
  /** What ECR says right after the call: ACTIVATING while a restore runs, ACTIVE, ARCHIVED. */
  status?: string;
}

/** UpdateImageStorageClass: STANDARD restores an archived image, ARCHIVE archives an active one. */
export async function updateImageStorageClass(
  client: ECRClient,
  repository: string,
  image: { digest?: string; tag?: string },
  targetStorageClass: 'STANDARD' | 'ARCHIVE',
  registryId?: string,
): Promise<StorageClassChange> {
  const { UpdateImageStorageClassCommand } = await import('@aws-sdk/client-ecr');
  const response = await client.send(
    new UpdateImageStorageClassCommand({ registryId, repositoryName: repository, imageId: { imageDigest: image.digest, imageTag: image.tag }, targetStorageClass }),
  );
  return { digest: response.imageId?.imageDigest ?? image.digest ?? '', status: response.imageStatus };
}

export const restoreImage = (client: ECRClient, repository: string, image: { digest?: string; tag?: string }, registryId?: string) =>
  updateImageStorageClass(client, repository, image, 'STANDARD', registryId);

export type RestoreState =
  | { state: 'restored'; done: true }
  | { state: 'restoring'; done: false; nextPollMs: number }
  | { state: 'still-archived'; done: false; nextPollMs: number }
  | { state: 'gone'; done: true }
  | { state: 'timed-out'; done: true };

/**
 * What to do after one look at a restoring image: stop when ACTIVE (or deleted), else poll again,
 * backing off from `firstPollMs` to `maxPollMs`, and give up after `timeoutMs`.
 */
export function restoreDecision(
  status: string | undefined,
  elapsedMs: number,
  attempt: number,
  options: { firstPollMs?: number; maxPollMs?: number; timeoutMs?: number } = {},
): RestoreState {
  if (status === 'ACTIVE') return { state: 'restored', done: true };
  if (status === undefined) return { state: 'gone', done: true };
  if (elapsedMs >= (options.timeoutMs ?? 30 * 60_000)) return { state: 'timed-out', done: true };
  const nextPollMs = Math.min((options.firstPollMs ?? 5_000) * 2 ** attempt, options.maxPollMs ?? 60_000);
  return status === 'ACTIVATING' ? { state: 'restoring', done: false, nextPollMs } : { state: 'still-archived', done: false, nextPollMs };
}

/** The image's status now (DescribeImages with imageStatus ANY); undefined when it no longer exists. */
export async function imageStatusOf(client: ECRClient, repository: string, digest: string, registryId?: string): Promise<string | undefined> {
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ecr');
  try {
    const response = await client.send(
      new DescribeImagesCommand({ registryId, repositoryName: repository, imageIds: [{ imageDigest: digest }], filter: { imageStatus: 'ANY' } }),
    );
    const detail = response.imageDetails?.[0];
    return detail ? (detail.imageStatus ?? 'ACTIVE') : undefined;
  } catch (error) {
    if ((error as { name?: string }).name === 'ImageNotFoundException') return undefined;
    throw error;
  }
}

/**
 * Follows a restore until it ends, reporting each status (for a tree marker or progress text).
 * `wait` is injectable so tests need no real time.
 */
export async function followRestore(
  client: ECRClient,
  repository: string,
  digest: string,
  options: {
    registryId?: string;
    onStatus?: (status: string | undefined, state: RestoreState) => void;
    signal?: AbortSignal;
    wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
    now?: () => number;
    firstPollMs?: number;
    maxPollMs?: number;
    timeoutMs?: number;
  } = {},
): Promise<RestoreState> {
  const now = options.now ?? Date.now;
  const wait = options.wait ?? ((ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  }));
  const started = now();
  for (let attempt = 0; ; attempt++) {
    const status = await imageStatusOf(client, repository, digest, options.registryId);
    const decision = restoreDecision(status, now() - started, attempt, options);
    options.onStatus?.(status, decision);
    if (decision.done) return decision;
    if (options.signal?.aborted) return { state: 'timed-out', done: true };
    await wait(decision.nextPollMs, options.signal);
  }
}
