import * as vscode from 'vscode';
import { formatAge, formatBytes } from '../../core/ecr/format';
import type { ImageSummary } from '../../core/ecr/listing';
import { lastActivity, lastPullText, STALE_AFTER_DAYS } from '../../core/ecr/lastPull';
import { isArchived } from '../../core/ecr/storageClass';
import { imageContextValue, isArtifactRow, repositoryContextValue } from '../../core/explorer/contextValues';
import { mediaTypeText } from '../../core/ecr/format';
import { scanStatusText } from '../../core/ecr/scanning';
import {
  shortDigest,
  type ArchivedGroupNode,
  type ErrorNode,
  type ExplorerNode,
  type ImageNode,
  type LoadMoreNode,
  type MessageNode,
  type RegistryNode,
  type RepositoryNode,
  type UntaggedGroupNode,
} from '../../core/explorer/nodes';
import { readLifecycleMark } from '../../core/images/lifecyclePreview';
import { describeTagMutability, tagMutabilityFrom, tagMutabilityIcon } from '../../core/ecr/tagMutability';
import type { CommandArguments } from '../commandArguments';
import type { CommandId } from '../commandIds';
import { registryGroupItem } from './registryGroupItems';

/** The one place explorer nodes (plain data from the core model) become what VS Code shows. */

const md = (text: string) => {
  const markdown = new vscode.MarkdownString(text);
  markdown.supportThemeIcons = true;
  return markdown;
};
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const dateTime = (date: Date | undefined) => (date ? `${date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} (${formatAge(date)})` : 'unknown');

const STALE_TEXT = `not pulled for ${STALE_AFTER_DAYS}+ days`;

/**
 * An image row's description, most telling first (the sidebar cuts the rest): the lifecycle mark,
 * the archive or restore state; for an index its platforms and total size; for a platform image
 * or attachment its size and digest; then push or last pull (ecr.images.sortBy), the stale marker
 * and, for plain images, the size.
 */
export function imageRowDescription(node: ImageNode, now = new Date()): string {
  const image = node.image;
  const parts: string[] = [];
  if (node.expiresBy) parts.push(readLifecycleMark(node.expiresBy).action === 'transition' ? 'would be archived' : 'would expire');
  if (node.restoreStatus) parts.push(node.restoreStatus);
  else if (isArchived(image)) parts.push(image.status === 'ACTIVATING' ? 'restoring…' : `archived ${image.lastArchivedAt ? formatAge(image.lastArchivedAt, now) : ''}`.trim());
  const size = node.totalBytes ?? image.sizeBytes;
  const sizeText = size !== undefined ? formatBytes(size) : undefined;
  if (node.platforms) parts.push(node.platforms, ...(sizeText ? [sizeText] : []));
  else if (node.detailsPending) parts.push('image index · reading platforms…');
  // Under an index, the push time is the index's: size and digest say which child it is.
  // An attachment is labelled by its kind; its tags (cosign's sha256-….sig) come first here.
  const artifactTags = isArtifactRow(node) ? node.tags : [];
  if (node.role) return [...artifactTags, ...parts, ...(sizeText ? [sizeText] : []), shortDigest(image.digest)].join(' · ');
  const activity = lastActivity(image, node.sortBy ?? 'pushed');
  if (activity.label === 'pushed' && activity.at) parts.push(formatAge(activity.at, now));
  else if (activity.label === 'pulled' && activity.at) parts.push(`pulled ${formatAge(activity.at, now)}`);
  else if (activity.label === 'never pulled') parts.push('never pulled');
  if (node.stale && !isArchived(image)) parts.push(STALE_TEXT);
  // ECR's size is the compressed layers': Pull and the build task print the unpacked size, which is larger.
  if (sizeText && !node.platforms) parts.push(`${sizeText} compressed`);
  return parts.join(' · ');
}

const ROLE_ICONS: Array<[RegExp, string]> = [
  [/attestation/, 'verified'],
  [/signature/, 'workspace-trusted'],
  [/SBOM/, 'checklist'],
  [/artifact/, 'file-binary'],
  [/image$/, 'vm'],
];

function imageIcon(node: ImageNode): vscode.ThemeIcon {
  if (node.expiresBy) return new vscode.ThemeIcon(readLifecycleMark(node.expiresBy).action === 'transition' ? 'archive' : 'trash', new vscode.ThemeColor('list.warningForeground'));
  if (node.restoreStatus || node.image.status === 'ACTIVATING') return new vscode.ThemeIcon('sync~spin');
  if (isArchived(node.image)) return new vscode.ThemeIcon('archive');
  const role = node.role && ROLE_ICONS.find(([pattern]) => pattern.test(node.role!));
  if (role) return new vscode.ThemeIcon(role[1]);
  if (node.platforms || node.detailsPending) return new vscode.ThemeIcon('layers');
  if (node.stale) return new vscode.ThemeIcon('history', new vscode.ThemeColor('list.warningForeground'));
  return new vscode.ThemeIcon(node.tag ? 'tag' : 'circle-outline');
}

export function scanText(image: ImageSummary): string {
  if (!image.scanStatus) return 'not scanned';
  const findings = image.scanFindings
    ? Object.entries(image.scanFindings)
        .map(([severity, count]) => `${count} ${severity.toLowerCase()}`)
        .join(', ')
    : '';
  return `${scanStatusText(image.scanStatus)}${findings ? ` (${findings})` : ''}`;
}

/** An image row's hover: digest, tags, size, dates, media type, scan status and counts, lifecycle mark. */
export function imageTooltip(node: ImageNode): vscode.MarkdownString {
  const image = node.image;
  return md(
    [
      `**${node.repositoryName}${node.tag ? `:${node.tag}` : ''}**`,
      `Digest: ${code(image.digest)}`,
      `Tags: ${image.tags.length ? image.tags.map(code).join(', ') : 'none (untagged)'}`,
      `Size: ${image.sizeBytes !== undefined ? `${formatBytes(image.sizeBytes)} compressed, as stored in ECR (${image.sizeBytes.toLocaleString('en-US')} bytes; unpacked in an engine it is larger)` : 'unknown'}`,
      ...(node.platforms ? [`Image index for ${node.platforms}; size ${formatBytes(node.totalBytes ?? 0)} (its platform images together)`] : []),
      ...(node.role ? [`Kind: ${node.role}`] : []),
      ...(node.belongsTo?.length ? [`Belongs to: ${node.belongsTo.join('; ')}. Deleting it alone would break that image.`] : []),
      `Pushed: ${dateTime(image.pushedAt)}`,
      `${lastPullText(image.lastPulledAt, dateTime)}${node.stale ? ` ($(history) ${STALE_TEXT})` : ''}`,
      ...(isArchived(image) ? [`$(archive) Archived: ${dateTime(image.lastArchivedAt)}. It cannot be pulled until restored (ECR: Restore Image).`] : []),
      ...(node.restoreStatus ? [`Restore: ${node.restoreStatus}`] : []),
      mediaTypeText(image),
      `Scan: ${scanText(image)}`,
      ...(node.expiresBy ? [lifecycleMarkLine(node.expiresBy)] : []),
    ].join('\n\n'),
  );
}

/** The tooltip's lifecycle line: what the preview would do to the image, and by which rule. */
function lifecycleMarkLine(mark: string): string {
  const { action, reason } = readLifecycleMark(mark);
  return action === 'transition' ? `$(archive) Lifecycle preview: would be archived (${reason})` : `$(trash) Lifecycle preview: would expire (${reason})`;
}

/** A repository row's hover: URI, ARN, creation, tag mutability, scan on push, encryption. */
export function repositoryTooltip(node: RepositoryNode): vscode.MarkdownString {
  const repository = node.repository;
  return md(
    [
      `**${repository.name}**`,
      `URI: ${code(`${node.registryHost}/${repository.name}`)}`,
      `ARN: ${code(repository.arn)}`,
      `Created: ${dateTime(repository.createdAt)}`,
      `${describeTagMutability(tagMutabilityFrom(repository.tagMutability, repository.tagMutabilityExclusionFilters))} (${code(repository.tagMutability)})`,
      `Scan on push: ${repository.scanOnPush ? 'on' : 'off'}`,
      `Encryption: ${repository.encryption.type}${repository.encryption.kmsKey ? ` (${code(repository.encryption.kmsKey)})` : ''}`,
    ].join('\n\n'),
  );
}

export function toTreeItem(node: ExplorerNode): vscode.TreeItem {
  return withId(rowItem(node), node);
}

/** One function per node kind; the row's id is set by toTreeItem. */
function rowItem(node: ExplorerNode): vscode.TreeItem {
  switch (node.kind) {
    case 'registry':
      return registryItem(node);
    case 'repository':
      return repositoryItem(node);
    case 'image':
      return imageItem(node);
    case 'untagged':
      return untaggedGroupItem(node);
    case 'archived':
      return archivedGroupItem(node);
    case 'loadMore':
      return loadMoreItem(node);
    case 'error':
      return errorItem(node);
    case 'message':
      return messageItem(node);
    case 'pullThroughGroup':
    case 'templateGroup':
    case 'pullThroughRule':
    case 'creationTemplate':
      return registryGroupItem(node);
  }
}

function registryItem(node: RegistryNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.description = [node.accountId ?? 'account of the credentials', node.region, node.summary].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon('server-environment');
  item.contextValue = 'registry';
  item.tooltip = md(
    [
      `**${node.label}**`,
      `Account: ${node.accountId ?? 'resolved from the credentials'}`,
      `Region: ${node.region}`,
      `Credentials: ${node.credentialsFile ? `profile ${node.profile ?? 'default'} in ${code(node.credentialsFile)}` : node.profile ? `profile ${code(node.profile)}` : 'default chain (environment, SSO, instance role)'}`,
    ].join('\n\n'),
  );
  return item;
}

function repositoryItem(node: RepositoryNode): vscode.TreeItem {
  const repository = node.repository;
  const item = new vscode.TreeItem(
    repository.name,
    node.expandForFilter || node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.iconPath = new vscode.ThemeIcon(tagMutabilityIcon(repository.tagMutability));
  item.contextValue = repositoryContextValue(node);
  if (repository.createdAt) item.description = `created ${formatAge(repository.createdAt)}`;
  // No tooltip here: built on hover (repositoryTooltip), not for each of thousands of rows.
  return item;
}

function imageItem(node: ImageNode): vscode.TreeItem {
  const image = node.image;
  // One row per image: all the tags it carries ("0.3.6, latest"), or its short digest.
  // A platform image or attachment under its index is named by what it is ("linux/arm64", "attestation manifest");
  // an attachment is named so even when tagged (cosign's sha256-….sig tag says nothing to a person).
  const label = isArtifactRow(node) ? node.role! : node.tags.length ? node.tags.join(', ') : node.role ? (node.platform ?? node.role) : shortDigest(image.digest);
  const item = new vscode.TreeItem(label, node.childCount ? (node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed) : vscode.TreeItemCollapsibleState.None);
  item.description = imageRowDescription(node);
  item.iconPath = imageIcon(node);
  item.contextValue = imageContextValue(node);
  // No tooltip here: the provider resolves it on hover (imageTooltip), when it may ask ECR for scan counts.
  return item;
}

function untaggedGroupItem(node: UntaggedGroupNode): vscode.TreeItem {
  const item = new vscode.TreeItem('Untagged', vscode.TreeItemCollapsibleState.Collapsed);
  item.description = `${node.count} image${node.count === 1 ? '' : 's'}`;
  item.iconPath = new vscode.ThemeIcon('circle-slash');
  item.contextValue = 'untaggedGroup';
  item.tooltip = 'Images with no tag (for example, replaced by a newer push of the same tag). They can be pulled only by digest.';
  // Screen readers read the row (VS Code would otherwise read the tooltip as its label).
  item.accessibilityInformation = { label: `Untagged, ${item.description}`, role: 'treeitem' };
  return item;
}

function archivedGroupItem(node: ArchivedGroupNode): vscode.TreeItem {
  const item = new vscode.TreeItem('Archived', vscode.TreeItemCollapsibleState.Collapsed);
  item.description = `${node.count} image${node.count === 1 ? '' : 's'} · restore to pull`;
  item.iconPath = new vscode.ThemeIcon('archive');
  item.contextValue = 'archivedGroup';
  item.tooltip = "Images in ECR's archive storage class (moved there by a lifecycle rule). They cannot be pulled or built from until restored: right-click one and choose Restore Image.";
  item.accessibilityInformation = { label: `Archived, ${node.count} image${node.count === 1 ? '' : 's'}`, role: 'treeitem' };
  return item;
}

function loadMoreItem(node: LoadMoreNode): vscode.TreeItem {
  const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
  item.description = `${node.loaded.toLocaleString('en-US')} ${node.noun} shown`;
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.contextValue = 'loadMore';
  item.tooltip = `Fetch the next page (up to the ecr.pageSize setting, at most 1000) of ${node.noun}.`;
  item.command = commandFor('ecr.loadMore', 'Load More', node);
  return item;
}

function errorItem(node: ErrorNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.error.message, vscode.TreeItemCollapsibleState.None);
  item.description = node.error.action?.title;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  item.contextValue = 'error';
  item.tooltip = md(`${node.error.message}\n\n${code(node.error.detail)}${node.error.action ? `\n\nClick to: ${node.error.action.title}` : ''}`);
  item.command = commandFor('ecr.retry', node.error.action?.title ?? 'Retry', node, { performAction: true });
  return item;
}

function messageItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon(node.icon ?? 'info');
  item.contextValue = 'message';
  return item;
}

/** A row's click: one of this extension's commands, with the arguments it accepts. */
function commandFor<Id extends CommandId>(command: Id, title: string, ...args: CommandArguments[Id]): vscode.Command {
  return { command, title, arguments: args };
}

function withId(item: vscode.TreeItem, node: ExplorerNode): vscode.TreeItem {
  item.id = node.id;
  return item;
}
