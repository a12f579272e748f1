/**
 * ECR's archive storage class, which moto lacks, kept by the ECR front:
 * - POST /_front/archive {repositoryName, imageDigest} archives an image, as a lifecycle rule's
 *   `transition` to `archive` would (status ARCHIVED, lastArchivedAt now);
 * - UpdateImageStorageClass (targetStorageClass STANDARD) starts a restore: ACTIVATING, then
 *   ACTIVE after `restoreMs` (lastActivatedAt set); ARCHIVE archives;
 * - DescribeImages gets imageStatus, lastArchivedAt and lastActivatedAt, and lists only ACTIVE
 *   images unless its filter.imageStatus says ARCHIVED, ACTIVATING or ANY (as ECR does).
 * Shapes follow the ECR API reference (UpdateImageStorageClass, ImageDetail).
 */
type Json = Record<string, any>;

interface ArchiveState {
  status: 'ARCHIVED' | 'ACTIVATING';
  archivedAt: number;
  /** When an ACTIVATING image becomes ACTIVE (epoch ms). */
  activeAt?: number;
}

export class ArchiveStates {
  private readonly states = new Map<string, ArchiveState>();
  private readonly activatedAt = new Map<string, number>();

  constructor(private readonly restoreMs = 3_000) {}

  clear(): void {
    this.states.clear();
    this.activatedAt.clear();
  }

  archive(repository: string, digest: string): void {
    this.states.set(`${repository}@${digest}`, { status: 'ARCHIVED', archivedAt: Date.now() });
  }

  /** UpdateImageStorageClass for an image moto lists (`exists`): the answer, or an ECR-shaped error. */
  update(input: Json, registryId: string | undefined, exists: boolean): { status: number; body: Json } {
    const digest = input.imageId?.imageDigest;
    const key = `${input.repositoryName}@${digest}`;
    if (!exists || !digest) return { status: 400, body: { __type: 'ImageNotFoundException', message: `The image with imageId ${JSON.stringify(input.imageId ?? {})} does not exist within the repository with name '${input.repositoryName}'` } };
    const state = this.stateOf(key);
    if (input.targetStorageClass === 'ARCHIVE') {
      this.archive(input.repositoryName, digest);
    } else if (input.targetStorageClass === 'STANDARD') {
      if (!state) return { status: 400, body: { __type: 'ImageStorageClassUpdateNotSupportedException', message: 'The image is not archived: it is already in the standard storage class.' } };
      if (state.status === 'ARCHIVED') this.states.set(key, { ...state, status: 'ACTIVATING', activeAt: Date.now() + this.restoreMs });
    } else {
      return { status: 400, body: { __type: 'InvalidParameterException', message: "targetStorageClass must be 'STANDARD' or 'ARCHIVE'" } };
    }
    const after = this.stateOf(key);
    return { status: 200, body: { registryId, repositoryName: input.repositoryName, imageId: { imageDigest: digest }, imageStatus: after?.status ?? 'ACTIVE' } };
  }

  /** Adds the archive fields to DescribeImages' details and keeps those the filter asks for. */
  describe(details: Json[], filter: string | undefined): Json[] {
    return details.filter((detail) => {
      const key = `${detail.repositoryName}@${detail.imageDigest}`;
      const state = this.stateOf(key);
      detail.imageStatus = state?.status ?? 'ACTIVE';
      if (state) detail.lastArchivedAt = state.archivedAt / 1000;
      const activated = this.activatedAt.get(key);
      if (activated !== undefined) detail.lastActivatedAt = activated / 1000;
      return filter === 'ANY' || detail.imageStatus === (filter ?? 'ACTIVE');
    });
  }

  /** The state now: an ACTIVATING image whose restore time passed is ACTIVE again (no state). */
  private stateOf(key: string): ArchiveState | undefined {
    const state = this.states.get(key);
    if (state?.status === 'ACTIVATING' && state.activeAt !== undefined && Date.now() >= state.activeAt) {
      this.states.delete(key);
      this.activatedAt.set(key, state.activeAt);
      return undefined;
    }
    return state;
  }
}
