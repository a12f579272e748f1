/**
 * Image scanning: start a scan, read its status and findings (basic and enhanced scanning), and
 * turn scan-on-push on or off for a repository.
 */
import type { ECRClient, ImageIdentifier } from '@aws-sdk/client-ecr';
import { errorName } from '../errors';

/**
 * Scan statuses that end without findings, in words (ECR API reference, ImageScanStatus; the SDK's
 * ScanStatus enum). IMAGE_SIZE_EXCEEDED is new in @aws-sdk/client-ecr 3.1178 and undocumented beyond
 * its name: the words say only what the name does.
 */
const SCAN_STATUS_WORDS: Record<string, string> = {
  UNSUPPORTED_IMAGE: 'not scannable: its media type, operating system or package manager is not supported',
  IMAGE_ARCHIVED: 'not scanned: the image is archived (restore it to scan)',
  IMAGE_SIZE_EXCEEDED: 'not scanned: the image exceeds the size ECR scans',
  LIMIT_EXCEEDED: 'not scanned: the scan limit was reached',
  SCAN_ELIGIBILITY_EXPIRED: 'no longer scanned: its scan eligibility expired',
  FINDINGS_UNAVAILABLE: 'findings unavailable',
};

/** A scan status as the hover says it: a status without findings in words, the others as ECR names them. */
export function scanStatusText(status: string): string {
  return SCAN_STATUS_WORDS[status] ?? status.toLowerCase().replace(/_/g, ' ');
}

export interface ScanFinding {
  /** CVE id or finding title. */
  name: string;
  severity: string;
  packageName?: string;
  packageVersion?: string;
  /** Where to read about it (CVE page, advisory). */
  link?: string;
  description?: string;
}

export interface ScanReport {
  /** COMPLETE, IN_PROGRESS, FAILED, … or NOT_SCANNED when the image was never scanned. */
  status: string;
  description?: string;
  completedAt?: Date;
  /** Counts by severity, e.g. { CRITICAL: 1, HIGH: 4 }. */
  counts: Record<string, number>;
  /** Most severe first. */
  findings: ScanFinding[];
}

const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNTRIAGED', 'UNDEFINED'];
export const severityRank = (severity: string) => {
  const index = SEVERITY_ORDER.indexOf(severity.toUpperCase());
  return index < 0 ? SEVERITY_ORDER.length : index;
};

const imageIdOf = (image: { tag?: string; digest?: string }): ImageIdentifier => (image.digest ? { imageDigest: image.digest } : { imageTag: image.tag ?? 'latest' });

/** StartImageScan; returns the status ECR reports (usually IN_PROGRESS). */
export async function startImageScan(client: ECRClient, repository: string, image: { tag?: string; digest?: string }, registryId?: string): Promise<string> {
  const { StartImageScanCommand } = await import('@aws-sdk/client-ecr');
  const response = await client.send(new StartImageScanCommand({ registryId, repositoryName: repository, imageId: imageIdOf(image) }));
  return response.imageScanStatus?.status ?? 'IN_PROGRESS';
}

/** DescribeImageScanFindings, every page; an image never scanned gives status NOT_SCANNED. */
export async function describeScanFindings(client: ECRClient, repository: string, image: { tag?: string; digest?: string }, registryId?: string): Promise<ScanReport> {
  const { DescribeImageScanFindingsCommand } = await import('@aws-sdk/client-ecr');
  const report: ScanReport = { status: 'NOT_SCANNED', counts: {}, findings: [] };
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(
        new DescribeImageScanFindingsCommand({ registryId, repositoryName: repository, imageId: imageIdOf(image), maxResults: 1000, nextToken }),
      );
      report.status = page.imageScanStatus?.status ?? report.status;
      report.description = page.imageScanStatus?.description;
      const findings = page.imageScanFindings;
      report.completedAt = findings?.imageScanCompletedAt ?? report.completedAt;
      Object.assign(report.counts, findings?.findingSeverityCounts ?? {});
      for (const finding of findings?.findings ?? []) {
        const attribute = (key: string) => finding.attributes?.find((entry) => entry.key === key)?.value;
        report.findings.push({
          name: finding.name ?? 'unnamed finding',
          severity: finding.severity ?? 'UNDEFINED',
          packageName: attribute('package_name'),
          packageVersion: attribute('package_version'),
          link: finding.uri,
          description: finding.description,
        });
      }
      for (const finding of findings?.enhancedFindings ?? []) {
        const vulnerable = finding.packageVulnerabilityDetails?.vulnerablePackages?.[0];
        report.findings.push({
          name: finding.packageVulnerabilityDetails?.vulnerabilityId ?? finding.title ?? 'unnamed finding',
          severity: finding.severity ?? 'UNDEFINED',
          packageName: vulnerable?.name,
          packageVersion: vulnerable?.version,
          link: finding.packageVulnerabilityDetails?.sourceUrl ?? finding.packageVulnerabilityDetails?.referenceUrls?.[0],
          description: finding.description ?? finding.title,
        });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    if (errorName(error) === 'ScanNotFoundException') return { status: 'NOT_SCANNED', counts: {}, findings: [] };
    throw error;
  }
  report.findings.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.name.localeCompare(b.name));
  return report;
}

/** PutImageScanningConfiguration; returns the setting ECR now holds. */
export async function setScanOnPush(client: ECRClient, repository: string, scanOnPush: boolean, registryId?: string): Promise<boolean> {
  const { PutImageScanningConfigurationCommand } = await import('@aws-sdk/client-ecr');
  const response = await client.send(
    new PutImageScanningConfigurationCommand({ registryId, repositoryName: repository, imageScanningConfiguration: { scanOnPush } }),
  );
  return response.imageScanningConfiguration?.scanOnPush ?? scanOnPush;
}

/**
 * Status and counts by severity only: one DescribeImageScanFindings call asking for a single
 * finding (the counts cover all of them). What a tooltip needs where DescribeImages gave no summary.
 */
export async function describeScanSummary(
  client: ECRClient,
  repository: string,
  image: { tag?: string; digest?: string },
  registryId?: string,
): Promise<Pick<ScanReport, 'status' | 'counts'>> {
  const { DescribeImageScanFindingsCommand } = await import('@aws-sdk/client-ecr');
  try {
    const page = await client.send(new DescribeImageScanFindingsCommand({ registryId, repositoryName: repository, imageId: imageIdOf(image), maxResults: 1 }));
    return { status: page.imageScanStatus?.status ?? 'NOT_SCANNED', counts: { ...(page.imageScanFindings?.findingSeverityCounts ?? {}) } };
  } catch (error) {
    if (errorName(error) === 'ScanNotFoundException') return { status: 'NOT_SCANNED', counts: {} };
    throw error;
  }
}
