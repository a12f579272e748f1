import type { ExplorerNode, ImageNode } from './nodes';
import type { NodeStore } from './nodeStore';

/**
 * What image rows show beyond what ECR listed: the lifecycle preview's marks and the status of a
 * restore from the archive, kept per repository (by the model's repository key) and digest, so rows
 * made again (a redraw, a new page) show them too; and updates every row of one digest.
 */
export class RowMarks {
  /** Repository key → digest → why the preview would expire or archive it. */
  private readonly lifecycle = new Map<string, Map<string, string>>();
  /** Repository key → digest → what a restore under way says. */
  private readonly restores = new Map<string, Map<string, string>>();

  constructor(
    private readonly nodes: NodeStore,
    private readonly changed: (node: ExplorerNode) => void,
  ) {}

  clear(): void {
    this.lifecycle.clear();
    this.restores.clear();
  }

  lifecycleMark(repositoryKey: string, digest: string): string | undefined {
    return this.lifecycle.get(repositoryKey)?.get(digest);
  }

  restoreStatus(repositoryKey: string, digest: string): string | undefined {
    return this.restores.get(repositoryKey)?.get(digest);
  }

  /** A preview's marks for a repository (undefined clears them). */
  setLifecycleMarks(repositoryKey: string, marks: Map<string, string> | undefined): void {
    if (marks) this.lifecycle.set(repositoryKey, marks);
    else this.lifecycle.delete(repositoryKey);
  }

  /** A restore started, moved on or ended (undefined clears): every row of that digest redraws. */
  setRestoreStatus(repositoryKey: string, registryKey: string, repositoryName: string, digest: string, status: string | undefined): void {
    const statuses = this.restores.get(repositoryKey) ?? new Map<string, string>();
    if (status) this.restores.set(repositoryKey, statuses.set(digest, status));
    else if (statuses.delete(digest) && statuses.size === 0) this.restores.delete(repositoryKey);
    for (const node of this.imageNodesOf(registryKey, repositoryName, digest)) {
      node.restoreStatus = status;
      this.changed(node);
    }
  }

  /** New scan status or counts for an image (a scan started, findings read): every row of that digest redraws. */
  setScan(registryKey: string, repositoryName: string, digest: string, status: string | undefined, counts?: Record<string, number>): void {
    for (const node of this.imageNodesOf(registryKey, repositoryName, digest)) {
      node.image.scanStatus = status;
      node.image.scanFindings = counts && Object.keys(counts).length ? { ...counts } : undefined;
      this.changed(node);
    }
  }

  /** Every row showing that image (a digest can be a tagged row and a platform row under an index). */
  private *imageNodesOf(registryKey: string, repositoryName: string, digest: string): Generator<ImageNode> {
    for (const node of this.nodes.values()) if (node.kind === 'image' && node.registryKey === registryKey && node.repositoryName === repositoryName && node.image.digest === digest) yield node;
  }
}
