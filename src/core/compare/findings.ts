/**
 * Scan findings of two images compared: fixed (the before image has them, the after image not),
 * introduced (the reverse) and unchanged, each counted by severity. A finding is the same finding
 * when it names the same vulnerability in the same package (a version bump that keeps the CVE keeps
 * the finding; the versions are shown).
 */
import { severityRank, type ScanFinding } from '../ecr/scanning';

export interface FindingChange {
  finding: ScanFinding;
  /** For an unchanged finding: the before image's, when it differs (another package version or severity). */
  before?: ScanFinding;
}

export interface FindingsComparison {
  fixed: FindingChange[];
  introduced: FindingChange[];
  unchanged: FindingChange[];
  /** Counts by severity, most severe first, e.g. [['CRITICAL', { fixed: 1, introduced: 0, unchanged: 2 }]]. */
  bySeverity: Array<[string, { fixed: number; introduced: number; unchanged: number }]>;
}

const keyOf = (finding: ScanFinding) => `${finding.name}\u0000${finding.packageName ?? ''}`;
const order = (a: FindingChange, b: FindingChange) => severityRank(a.finding.severity) - severityRank(b.finding.severity) || a.finding.name.localeCompare(b.finding.name) || (a.finding.packageName ?? '').localeCompare(b.finding.packageName ?? '');

export function compareFindings(before: readonly ScanFinding[], after: readonly ScanFinding[]): FindingsComparison {
  const was = new Map<string, ScanFinding>();
  for (const finding of before) if (!was.has(keyOf(finding))) was.set(keyOf(finding), finding);
  const now = new Map<string, ScanFinding>();
  for (const finding of after) if (!now.has(keyOf(finding))) now.set(keyOf(finding), finding);
  const fixed: FindingChange[] = [];
  const introduced: FindingChange[] = [];
  const unchanged: FindingChange[] = [];
  for (const [key, finding] of now) {
    const earlier = was.get(key);
    if (!earlier) introduced.push({ finding });
    else unchanged.push(earlier.packageVersion !== finding.packageVersion || earlier.severity !== finding.severity ? { finding, before: earlier } : { finding });
  }
  for (const [key, finding] of was) if (!now.has(key)) fixed.push({ finding });
  for (const list of [fixed, introduced, unchanged]) list.sort(order);
  const counts = new Map<string, { fixed: number; introduced: number; unchanged: number }>();
  const tally = (list: FindingChange[], field: 'fixed' | 'introduced' | 'unchanged') => {
    for (const { finding } of list) {
      const severity = finding.severity.toUpperCase();
      let count = counts.get(severity);
      if (!count) counts.set(severity, (count = { fixed: 0, introduced: 0, unchanged: 0 }));
      count[field]++;
    }
  };
  tally(fixed, 'fixed');
  tally(introduced, 'introduced');
  tally(unchanged, 'unchanged');
  return { fixed, introduced, unchanged, bySeverity: [...counts.entries()].sort(([a], [b]) => severityRank(a) - severityRank(b) || a.localeCompare(b)) };
}
