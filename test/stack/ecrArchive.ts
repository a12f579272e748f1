/**
 * ECR's archive storage class, which moto lacks, kept by the ECR front
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html):
 * - POST /_front/archive {repositoryName, imageDigest} archives an image, as a lifecycle rule's
 *   `transition` to `archive` would (status ARCHIVED, lastArchivedAt now); so does
 *   UpdateImageStorageClass with targetStorageClass ARCHIVE;
 * - UpdateImageStorageClass (targetStorageClass STANDARD) starts a restore: ACTIVATING, then
 *   ACTIVE after `restoreMs` (lastActivatedAt set); the front's `reinstate` hook runs first (it puts
 *   the manifest back at the registry, so an ACTIVE image is pullable again);
 * - a push of an archived image restores it at once ("If you push an image that is currently
 *   archived, that image will be automatically restored", https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push.html);
 * - DescribeImages gets imageStatus, lastArchivedAt and lastActivatedAt (botocore ecr
 *   service-2.json, ImageDetail); lastArchivedAt is "when the image was last transitioned to
 *   Amazon ECR archive", so it stays after a restore.
 * Listing rules (which statuses a call returns) are the front's: see ecrFront.ts.
 */
// ECR's JSON bodies, read loosely here: the contract test checks every answer against the API model.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

export type ImageStatus = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING';

export class ArchiveStates {
  /** `${repository}@${digest}` → ARCHIVED or ACTIVATING (ACTIVE images have no entry). */
  private readonly states = new Map<string, 'ARCHIVED' | 'ACTIVATING'>();
  private readonly archivedAt = new Map<string, number>();
  private readonly activatedAt = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly restoreMs = 3_000,
    /** Runs before a restored image turns ACTIVE (the front puts its manifest back at the registry). */
    private readonly reinstate: (repository: string, digest: string) => Promise<void> = async () => {},
  ) {}

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.states.clear();
    this.archivedAt.clear();
    this.activatedAt.clear();
  }

  statusOf(repository: string, digest: string): ImageStatus {
    return this.states.get(`${repository}@${digest}`) ?? 'ACTIVE';
  }

  /** Archives an image (ARCHIVED, lastArchivedAt now); false when it already was. */
  archive(repository: string, digest: string): boolean {
    const key = `${repository}@${digest}`;
    if (this.states.get(key) === 'ARCHIVED') return false;
    this.states.set(key, 'ARCHIVED');
    this.archivedAt.set(key, Date.now());
    return true;
  }

  /** Starts a restore (ACTIVATING now, ACTIVE after restoreMs); false when the image is not archived. */
  startRestore(repository: string, digest: string): boolean {
    const key = `${repository}@${digest}`;
    const state = this.states.get(key);
    if (!state) return false;
    if (state === 'ACTIVATING') return true;
    this.states.set(key, 'ACTIVATING');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.finishRestore(repository, digest);
    }, this.restoreMs);
    timer.unref();
    this.timers.add(timer);
    return true;
  }

  /** A push of the image's bytes: ACTIVE at once (lastArchivedAt kept, lastActivatedAt now). */
  async restoreNow(repository: string, digest: string): Promise<boolean> {
    if (!this.states.has(`${repository}@${digest}`)) return false;
    await this.finishRestore(repository, digest);
    return true;
  }

  /** Forgets an image (it was deleted). */
  forget(repository: string, digest: string): void {
    const key = `${repository}@${digest}`;
    this.states.delete(key);
    this.archivedAt.delete(key);
    this.activatedAt.delete(key);
  }

  /** Adds the archive members of ImageDetail (botocore ecr service-2.json) to a DescribeImages detail. */
  annotate(detail: Json): ImageStatus {
    const key = `${detail.repositoryName}@${detail.imageDigest}`;
    const status = this.states.get(key) ?? 'ACTIVE';
    detail.imageStatus = status;
    const archived = this.archivedAt.get(key);
    if (archived !== undefined) detail.lastArchivedAt = archived / 1000;
    const activated = this.activatedAt.get(key);
    if (activated !== undefined) detail.lastActivatedAt = activated / 1000;
    return status;
  }

  private async finishRestore(repository: string, digest: string): Promise<void> {
    const key = `${repository}@${digest}`;
    if (!this.states.has(key)) return;
    await this.reinstate(repository, digest).catch(() => {});
    this.states.delete(key);
    this.activatedAt.set(key, Date.now());
  }
}

/** Whether an image of `status` passes an imageStatus filter (ImageStatusFilter; none means ACTIVE, as the model's DescribeImagesFilter and ListImagesFilter say). */
export function statusMatches(status: ImageStatus, filter: string | undefined): boolean {
  return filter === 'ANY' || status === (filter ?? 'ACTIVE');
}
