import * as vscode from 'vscode';
import type { ScanReport } from '../../core/ecr/scanning';
import { optionArgument } from '../../core/explorer/arguments';
import { describeTarget } from '../../core/explorer/targets';
import { runCommand, type Commands } from '../commands';
import { refuseArchived } from './archiveCommands';
import type { Explorer } from './explorer';
import type { ReadOnlyDocuments } from './readOnlyDocuments';
import { currentSettings } from './repositorySettingsCommands';

/** Findings as a Markdown document: counts by severity, then one row per finding with its link. */
export function scanReportMarkdown(label: string, report: ScanReport): string {
  const cell = (text: string | undefined) => (text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const counts = Object.entries(report.counts)
    .map(([severity, count]) => `${count} ${severity.toLowerCase()}`)
    .join(', ');
  const lines = [
    `# Scan findings: ${label}`,
    '',
    `Status: **${report.status}**${report.description ? ` (${report.description})` : ''}${report.completedAt ? `, completed ${report.completedAt.toISOString()}` : ''}`,
    '',
    `Counts: ${counts || 'no findings'}`,
    '',
  ];
  if (report.findings.length) {
    lines.push('| Severity | Finding | Package | Version | Link |', '| --- | --- | --- | --- | --- |');
    for (const finding of report.findings) {
      lines.push(`| ${finding.severity} | ${cell(finding.name)} | ${cell(finding.packageName)} | ${cell(finding.packageVersion)} | ${finding.link ? `[${cell(linkText(finding.link))}](${finding.link})` : ''} |`);
    }
  }
  return lines.join('\n') + '\n';
}

/** A finding's link shown by its site ("nvd.nist.gov"); the table stays readable, the target is the same. */
function linkText(link: string): string {
  try {
    return new URL(link).hostname || link;
  } catch {
    return link;
  }
}

/** Scanning commands: start a scan, show findings, toggle scan on push. */
export function scanCommands(
  explorer: Explorer,
  documents: ReadOnlyDocuments,
): Commands<'ecr.startImageScan' | 'ecr.showScanFindings' | 'ecr.toggleScanOnPush' | 'ecr.turnScanOnPushOn' | 'ecr.turnScanOnPushOff'> {
  return {
    'ecr.startImageScan': (arg) => startScan(explorer, arg),
    'ecr.showScanFindings': (arg) => showScanFindings(explorer, documents, arg),
    'ecr.toggleScanOnPush': (arg, enable) => setScanOnPushTo(explorer, arg, enable, 'Toggle Scan on Push'),
    // The repository's context menu offers the one that changes something, so it reads as the state.
    'ecr.turnScanOnPushOn': (arg) => setScanOnPushTo(explorer, arg, true, 'Turn Scan on Push On'),
    'ecr.turnScanOnPushOff': (arg) => setScanOnPushTo(explorer, arg, false, 'Turn Scan on Push Off'),
  };
}

function resolveTarget(explorer: Explorer, arg: unknown, title: string) {
  return explorer.targets.repository(arg, title, { where: 'an item' });
}

async function setScanOnPushTo(explorer: Explorer, arg: unknown, enableArg: unknown, title: string) {
  const enable = optionArgument(enableArg);
  const resolved = resolveTarget(explorer, arg, title);
  if (!resolved) return undefined;
  const { target, connection } = resolved;
  // Flip what ECR holds now, not what the row showed when it was listed.
  const wanted = typeof enable === 'boolean' ? enable : await currentSettings(explorer, connection, target.repository).then((settings) => (settings ? !settings.scanOnPush : undefined));
  if (wanted === undefined) return undefined;
  const { setScanOnPush } = await import('../../core/ecr/scanning');
  const now = await explorer.attempt(connection, `Could not change scan on push for ${target.repository}`, async () =>
    setScanOnPush(await connection.client(), target.repository, wanted, connection.config.accountId),
  );
  if (now === undefined) return undefined;
  void explorer.done(`Scan on push is ${now ? 'on' : 'off'} for ${target.repository}.`);
  explorer.model.updateRepository(connection.key, target.repository, { scanOnPush: now });
  return now;
}

async function startScan(explorer: Explorer, arg: unknown) {
  const resolved = resolveTarget(explorer, arg, 'Scan Image');
  if (!resolved) return undefined;
  const { target, connection } = resolved;
  // StartImageScan answers ImageArchivedException for an archived image (ECR API model): say so first.
  if (refuseArchived(explorer, target, 'Scan Image')) return undefined;
  const { startImageScan } = await import('../../core/ecr/scanning');
  const status = await explorer.attempt(connection, `Could not start a scan of ${describeTarget(target)}`, () =>
    explorer.withProgress(`Starting a scan of ${describeTarget(target)}…`, async () => startImageScan(await connection.client(), target.repository, target, connection.config.accountId)),
  );
  if (!status) return undefined;
  // Forget what the tooltip knew; the rows are rebuilt, so VS Code resolves their tooltips again.
  if (target.digest) explorer.model.updateScan(connection.key, target.repository, target.digest, status);
  // The outcome goes where the person looks, with its action; not above the tree, where "in progress" outlived the scan.
  void explorer.done(`Scan of ${describeTarget(target)} started (${status.toLowerCase().replace(/_/g, ' ')}).`, { title: 'Show Findings', run: () => runCommand('ecr.showScanFindings', target) });
  return status;
}

async function showScanFindings(explorer: Explorer, documents: ReadOnlyDocuments, arg: unknown) {
  const resolved = resolveTarget(explorer, arg, 'Show Scan Findings');
  if (!resolved) return undefined;
  const { target, connection } = resolved;
  const { describeScanFindings } = await import('../../core/ecr/scanning');
  const report = await explorer.attempt(connection, `Could not read the scan findings of ${describeTarget(target)}`, () =>
    explorer.withProgress(`Reading scan findings of ${describeTarget(target)}…`, async () => describeScanFindings(await connection.client(), target.repository, target, connection.config.accountId)),
  );
  if (!report) return undefined;
  // The tooltip's counts come from the image summary: bring it up to date with what was just read.
  if (target.digest) explorer.model.updateScan(connection.key, target.repository, target.digest, report.status === 'NOT_SCANNED' ? undefined : report.status, report.counts);
  if (report.status === 'NOT_SCANNED') {
    explorer.tell(`${describeTarget(target)} has not been scanned`);
    // Not awaited: the command is done; the offer stays until taken or closed.
    void vscode.window.showInformationMessage(`${describeTarget(target)} has not been scanned.`, 'Scan Now').then((scan) => {
      if (scan) void runCommand('ecr.startImageScan', target);
    });
    return report;
  }
  const name = (target.tag ?? target.digest?.replace(':', '-') ?? 'image').replace(/[^\w.-]/g, '_');
  // Rendered, so the findings read as a table with working links, not as Markdown source.
  await documents.showRendered(`/${connection.key}/${target.repository}/${name}.scan-findings.md`, scanReportMarkdown(describeTarget(target), report));
  return report;
}
