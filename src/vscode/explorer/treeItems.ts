import * as vscode from 'vscode';
import { formatAge, formatBytes } from '../../core/ecr/format';
import type { ImageSummary } from '../../core/ecr/listing';
import { shortDigest, type ExplorerNode, type ImageNode, type RepositoryNode } from '../../core/explorer/nodes';
import { isImmutable } from '../../core/ecr/repositorySettings';
import type { CommandArguments } from '../commandArguments';
import type { CommandId } from '../commandIds';

/** The one place explorer nodes (plain data from the core model) become what VS Code shows. */

const md = (text: string) => {
  const markdown = new vscode.MarkdownString(text);
  markdown.supportThemeIcons = true;
  return markdown;
};
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const dateTime = (date: Date | undefined) => (date ? `${date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} (${formatAge(date)})` : 'unknown');

export function imageDescription(image: ImageSummary, now = new Date()): string {
  const parts: string[] = [];
  if (image.pushedAt) parts.push(formatAge(image.pushedAt, now));
  if (image.sizeBytes !== undefined) parts.push(formatBytes(image.sizeBytes));
  return parts.join(' · ');
}

export function scanText(image: ImageSummary): string {
  if (!image.scanStatus) return 'not scanned';
  const findings = image.scanFindings
    ? Object.entries(image.scanFindings)
        .map(([severity, count]) => `${count} ${severity.toLowerCase()}`)
        .join(', ')
    : '';
  return `${image.scanStatus.toLowerCase()}${findings ? ` (${findings})` : ''}`;
}

/** An image row's hover: digest, tags, size, dates, media type, scan status and counts, lifecycle mark. */
export function imageTooltip(node: ImageNode): vscode.MarkdownString {
  const image = node.image;
  return md(
    [
      `**${node.repositoryName}${node.tag ? `:${node.tag}` : ''}**`,
      `Digest: ${code(image.digest)}`,
      `Tags: ${image.tags.length ? image.tags.map(code).join(', ') : 'none (untagged)'}`,
      `Size: ${image.sizeBytes !== undefined ? `${formatBytes(image.sizeBytes)} (${image.sizeBytes.toLocaleString('en-US')} bytes)` : 'unknown'}`,
      `Pushed: ${dateTime(image.pushedAt)}`,
      `Last pull: ${image.lastPulledAt ? dateTime(image.lastPulledAt) : 'never recorded'}`,
      `Media type: ${code(image.mediaType ?? 'unknown')}${image.artifactMediaType ? `, artifact ${code(image.artifactMediaType)}` : ''}`,
      `Scan: ${scanText(image)}`,
      ...(node.expiresBy ? [`$(trash) Lifecycle preview: would expire (${node.expiresBy})`] : []),
    ].join('\n\n'),
  );
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
      `Tag mutability: ${repository.tagMutability.toLowerCase().replace(/_/g, ' ')}`,
      `Scan on push: ${repository.scanOnPush ? 'on' : 'off'}`,
      `Encryption: ${repository.encryption.type}${repository.encryption.kmsKey ? ` (${code(repository.encryption.kmsKey)})` : ''}`,
    ].join('\n\n'),
  );
}

export function toTreeItem(node: ExplorerNode): vscode.TreeItem {
  switch (node.kind) {
    case 'registry': {
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
      return withId(item, node);
    }
    case 'repository': {
      const repository = node.repository;
      const item = new vscode.TreeItem(
        repository.name,
        node.expandForFilter || node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.iconPath = new vscode.ThemeIcon(isImmutable(repository.tagMutability) ? 'lock' : 'repo');
      // Tokens the menus read to offer the opposite of the current state ("Turn Scan on Push Off").
      item.contextValue = [
        'repository',
        repository.scanOnPush ? 'scanOnPush' : 'noScanOnPush',
        isImmutable(repository.tagMutability) ? 'immutable' : 'mutable',
      ].join(' ');
      if (repository.createdAt) item.description = `created ${formatAge(repository.createdAt)}`;
      // No tooltip here: built on hover (repositoryTooltip), not for each of thousands of rows.
      return withId(item, node);
    }
    case 'image': {
      const image = node.image;
      // One row per image: all the tags it carries ("0.3.6, latest"), or its short digest.
      const label = node.tags.length ? node.tags.join(', ') : shortDigest(image.digest);
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
      item.description = node.expiresBy ? `would expire · ${imageDescription(image)}` : imageDescription(image);
      item.iconPath = node.expiresBy
        ? new vscode.ThemeIcon('trash', new vscode.ThemeColor('list.warningForeground'))
        : new vscode.ThemeIcon(node.tag ? 'tag' : 'circle-outline');
      item.contextValue = `${node.tag ? 'image tagged' : 'image untagged'}${node.expiresBy ? ' expiring' : ''}`;
      // No tooltip here: the provider resolves it on hover (imageTooltip), when it may ask ECR for scan counts.
      return withId(item, node);
    }
    case 'untagged': {
      const item = new vscode.TreeItem('Untagged', vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${node.count} image${node.count === 1 ? '' : 's'}`;
      item.iconPath = new vscode.ThemeIcon('circle-slash');
      item.contextValue = 'untaggedGroup';
      item.tooltip = 'Images with no tag (for example, replaced by a newer push of the same tag). They can be pulled only by digest.';
      // Screen readers read the row (VS Code would otherwise read the tooltip as its label).
      item.accessibilityInformation = { label: `Untagged, ${item.description}`, role: 'treeitem' };
      return withId(item, node);
    }
    case 'loadMore': {
      const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
      item.description = `${node.loaded.toLocaleString('en-US')} ${node.noun} shown`;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.contextValue = 'loadMore';
      item.tooltip = `Fetch the next page (up to the ecr.pageSize setting, at most 1000) of ${node.noun}.`;
      item.command = commandFor('ecr.loadMore', 'Load More', node);
      return withId(item, node);
    }
    case 'error': {
      const item = new vscode.TreeItem(node.error.message, vscode.TreeItemCollapsibleState.None);
      item.description = node.error.action?.title;
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.contextValue = `error ${node.error.kind}`;
      item.tooltip = md(`${node.error.message}\n\n${code(node.error.detail)}${node.error.action ? `\n\nClick to: ${node.error.action.title}` : ''}`);
      item.command = commandFor('ecr.retry', node.error.action?.title ?? 'Retry', node, { performAction: true });
      return withId(item, node);
    }
    case 'message': {
      const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(node.icon ?? 'info');
      item.contextValue = 'message';
      return withId(item, node);
    }
  }
}

/** A row's click: one of this extension's commands, with the arguments it accepts. */
function commandFor<Id extends CommandId>(command: Id, title: string, ...args: CommandArguments[Id]): vscode.Command {
  return { command, title, arguments: args };
}

function withId(item: vscode.TreeItem, node: ExplorerNode): vscode.TreeItem {
  item.id = node.id;
  return item;
}
