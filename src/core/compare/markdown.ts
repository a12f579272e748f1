/**
 * The comparison as Markdown: what the view renders and what Export writes. The two images named
 * by repository, tag and digest; the summary, config, history and layers; and, when they were read,
 * files, packages and scan findings. Values arrive masked (configDiff.ts); here they are escaped.
 */
import { formatBytes } from '../ecr/format';
import { code } from '../images/inspectMarkdown';
import type { FileChange, FilesComparison } from './fileDiff';
import type { FileInfo } from './layerReader';
import type { FindingsComparison } from './findings';
import type { ImageComparison, ImageName, KeyedDiff } from './configDiff';
import type { PackagesComparison } from './packages';

export interface ComparisonParts {
  comparison: ImageComparison;
  /** From reading the differing layers, when that was done. */
  files?: FilesComparison;
  packages?: PackagesComparison;
  /** When both images have scan findings. */
  findings?: FindingsComparison;
  /** Compressed bytes read for files and packages, and whether shared layers were left unread. */
  read?: { bytes: number; layers: number; sharedUnread: boolean; sharedAboveDifference?: boolean };
}

const cell = (text: string) => text.replace(/\|/g, '\\|');
const none = '_none_';
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const signed = (bytes: number) => (bytes >= 0 ? `+${formatBytes(bytes)}` : `−${formatBytes(-bytes)}`);

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
}

/** repository:tag@digest, the registry first when there is one. */
export function imageLabel(name: ImageName): string {
  return `${name.registry ? `${name.registry}/` : ''}${name.repository}${name.tag ? `:${name.tag}` : ''}@${name.digest}`;
}

/** One line: size before → after, layers shared / added / removed, config fields changed. */
export function summaryLine(comparison: ImageComparison): string {
  const summary = comparison.summary;
  const size = `${formatBytes(summary.beforeBytes)} → ${formatBytes(summary.afterBytes)} compressed (${signed(summary.afterBytes - summary.beforeBytes)})`;
  const layers = `layers: ${summary.layersShared} shared, ${summary.layersAdded} added, ${summary.layersRemoved} removed`;
  const fields = summary.fieldsChanged.length ? `config changed: ${summary.fieldsChanged.join(', ')}` : 'config unchanged';
  return `${size} · ${layers} · ${fields}`;
}

function keyedTable(title: string, diffs: KeyedDiff[], nameHeader: string): string[] {
  const changed = diffs.filter((diff) => diff.change !== 'same');
  const lines = [`### ${title}`, ''];
  if (!changed.length) return [...lines, diffs.length ? `_Unchanged (${diffs.length})._` : none, ''];
  lines.push(...table([nameHeader, 'Before', 'After', 'Change'], changed.map((diff) => [code(diff.name), diff.before !== undefined ? code(diff.before) : '', diff.after !== undefined ? code(diff.after) : '', diff.change])));
  const same = diffs.length - changed.length;
  if (same) lines.push('', `_${same} more unchanged._`);
  if (changed.some((diff) => diff.masked)) lines.push('', '_Values whose names look secret are masked; "changed" means the stored values differ._');
  return [...lines, ''];
}

const fileText = (info: FileInfo | undefined) =>
  info ? `${info.kind === 'file' ? formatBytes(info.size) : info.kind}${info.kind === 'file' || info.kind === 'directory' ? ` ${info.mode.toString(8).padStart(4, '0')}` : ''}${info.digest ? ` ${code(info.digest.slice(0, 19))}` : ''}${info.linkname ? ` → ${code(info.linkname)}` : ''}` : '';

function fileRow(change: FileChange): string[] {
  // A side without a record is either gone (deleted) or in the shared layers, which were not read.
  const inShared = (side: 'before' | 'after') => change.throughShared && (change[side === 'before' ? 'after' : 'before'] !== undefined || change.change === (side === 'before' ? 'removed' : 'added'));
  const column = (side: 'before' | 'after') => fileText(change[side]) || (inShared(side) ? '_shared layers_' : '');
  return [change.change, code(change.path), column('before'), column('after')];
}

function filesSection(files: FilesComparison, read: ComparisonParts['read']): string[] {
  const lines = ['## Files', ''];
  if (read) {
    lines.push(`_Read ${plural(read.layers, 'differing layer')} (${formatBytes(read.bytes)} compressed)${read.sharedUnread ? '; layers both images share were not read: "shared layers" marks a path whose other version is there' : ''}._`, '');
    if (read.sharedAboveDifference) lines.push('_A layer both images share lies above a differing one; a path it writes is the same in both images but may be listed here._', '');
  }
  lines.push(`${plural(files.added, 'file')} added (${formatBytes(files.addedBytes)}), ${files.removed} removed (${formatBytes(files.removedBytes)}), ${files.changed} changed.`, '');
  for (const folder of files.folders) {
    lines.push(`### ${code(folder.folder === '/' ? '/' : `/${folder.folder}`)} (${plural(folder.changes.length, 'change')}, ${formatBytes(folder.bytes)})`, '');
    lines.push(...table(['Change', 'Path', 'Before', 'After'], folder.changes.map(fileRow)), '');
  }
  return lines;
}

function packagesSection(packages: PackagesComparison): string[] {
  const lines = ['## Packages', ''];
  if (packages.changes.length) {
    lines.push(
      ...table(
        ['Ecosystem', 'Package', 'Where', 'Before', 'After', 'Change'],
        packages.changes.map((change) => [change.ecosystem, code(change.name), change.location ? code(change.location) : '', change.before ? code(change.before) : '', change.after ? code(change.after) : '', `${change.change}${change.throughShared ? ' (the shared layers may hold it too)' : ''}`]),
      ),
    );
  } else lines.push('_No package changes found._');
  for (const entry of packages.unread) lines.push('', `_${code(entry.path)} (${entry.ecosystem}) changed in one image only; the other's version is in the shared layers, not read, so its packages are not compared._`);
  return [...lines, ''];
}

function findingsSection(findings: FindingsComparison): string[] {
  const lines = ['## Scan findings', ''];
  lines.push(...table(['Severity', 'Fixed', 'Introduced', 'Unchanged'], findings.bySeverity.map(([severity, counts]) => [severity, String(counts.fixed), String(counts.introduced), String(counts.unchanged)])), '');
  for (const [title, list] of [['Fixed', findings.fixed], ['Introduced', findings.introduced]] as const) {
    if (!list.length) continue;
    lines.push(`### ${title}`, '', ...table(['Severity', 'Finding', 'Package'], list.map(({ finding }) => [finding.severity, finding.link && /^https?:\/\/[^\s()]+$/.test(finding.link) ? `[${finding.name.replace(/[[\]]/g, '')}](${finding.link})` : code(finding.name), finding.packageName ? code(`${finding.packageName} ${finding.packageVersion ?? ''}`.trim()) : ''])), '');
  }
  return lines;
}

/** The whole comparison as one Markdown document. */
export function comparisonMarkdown(parts: ComparisonParts): string {
  const { comparison } = parts;
  const lines = [`# Compare ${code(`${comparison.before.repository}${comparison.before.tag ? `:${comparison.before.tag}` : ''}`)} → ${code(`${comparison.after.repository}${comparison.after.tag ? `:${comparison.after.tag}` : ''}`)}`, ''];
  lines.push(`Before: ${code(imageLabel(comparison.before))} (${comparison.before.platform})  `, `After: ${code(imageLabel(comparison.after))} (${comparison.after.platform})`, '');
  lines.push(`**${summaryLine(comparison)}**`, '');
  lines.push('## Configuration', '');
  lines.push(...table(['Setting', 'Before', 'After', 'Change'], comparison.fields.map((field) => [field.field, field.before ? code(field.before) : none, field.after ? code(field.after) : none, field.change === 'same' ? '' : field.change])), '');
  lines.push(...keyedTable('Exposed ports', comparison.ports, 'Port'));
  lines.push(...keyedTable('Environment', comparison.env, 'Name'));
  lines.push(...keyedTable('Labels', comparison.labels, 'Label'));
  lines.push('## History', '', '_Step by step; a size where the step made a layer._', '');
  const step = (entry: ImageComparison['history'][number]['before']) => (entry ? `${entry.index}. ${entry.createdBy ? code(entry.createdBy) : none}${entry.layer ? ` (${formatBytes(entry.layer.sizeBytes)})` : ''}` : '');
  lines.push(...(comparison.history.length ? table(['Before', 'After', 'Change'], comparison.history.map((row) => [step(row.before), step(row.after), row.change === 'same' ? '' : row.change])) : ['_Neither config records history._']), '');
  lines.push('## Layers', '', '_Compressed sizes, as stored in the registry._', '');
  lines.push(...table(['Status', 'Digest', 'Size', 'Made by'], comparison.layers.map((row) => [row.status, code(row.digest), formatBytes(row.sizeBytes), row.createdBy ? code(row.createdBy) : ''])), '');
  if (parts.files) lines.push(...filesSection(parts.files, parts.read));
  if (parts.packages) lines.push(...packagesSection(parts.packages));
  if (parts.findings) lines.push(...findingsSection(parts.findings));
  return lines.join('\n');
}
