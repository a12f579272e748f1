import { errorMessage } from '../errors';
import type { Logger } from '../log';
import type { ImageNode } from './nodes';
import type { ExplorerRegistry, ExplorerSource } from './source';

/** How long a hover's scan-status answer is trusted, and when a running scan is asked about again. */
export const SCAN_RECHECK_MS = 30_000;

const isSettled = (scanStatus: string) => !/^(IN_PROGRESS|PENDING|SCAN_ELIGIBLE)$/.test(scanStatus);

/** When to ask ECR for an image's scan status before its tooltip shows (at most once per image every 30 s). */
export class ScanChecks {
  /** When each image's scan status was last asked for (by digest). */
  private readonly checkedAt = new Map<string, number>();

  constructor(
    private readonly source: ExplorerSource,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  clear(): void {
    this.checkedAt.clear();
  }

  forget(digest: string): void {
    this.checkedAt.delete(digest);
  }

  /**
   * DescribeImages carries scan counts on real ECR, but not for a scan still running, nor on
   * endpoints that leave the summary out; then one small call fills them in. Returns the delay
   * after which the row should be rebuilt (the scan was still running), or undefined.
   */
  async resolve(node: ImageNode, registry: ExplorerRegistry | undefined): Promise<number | undefined> {
    const image = node.image;
    // A final status from the listing is trusted: COMPLETE without counts means no findings.
    const settled = image.scanStatus && isSettled(image.scanStatus);
    const checkedAt = this.checkedAt.get(image.digest);
    if (settled || !registry || (checkedAt !== undefined && this.now() - checkedAt < SCAN_RECHECK_MS)) return undefined;
    this.checkedAt.set(image.digest, this.now());
    try {
      const summary = await this.source.scanSummary(registry, node.repositoryName, image.digest);
      image.scanStatus = summary.status === 'NOT_SCANNED' ? undefined : summary.status;
      image.scanFindings = Object.keys(summary.counts).length ? summary.counts : undefined;
      return image.scanStatus && !isSettled(image.scanStatus) ? SCAN_RECHECK_MS : undefined;
    } catch (error) {
      // The tooltip still shows everything else; the reason goes to the log.
      this.logger.warn(`scan status of ${node.repositoryName}@${image.digest}: ${errorMessage(error)}`);
      return undefined;
    }
  }
}
