import * as vscode from 'vscode';
import { describeTemplate, templateLabel, type AppliedFor } from '../../core/ecr/creationTemplates';
import { upstreamKind } from '../../core/ecr/pullThroughCache';
import { formatAge } from '../../core/ecr/format';
import type { CreationTemplateNode, PullThroughRuleNode, RegistryGroupNode } from '../../core/explorer/nodes';

/** Rows of a registry's "Pull-Through Cache Rules" and "Creation Templates" groups (see treeItems.ts). */

const md = (lines: string[]) => new vscode.MarkdownString(lines.join('\n\n'));
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const APPLIED_FOR: Record<AppliedFor, string> = { CREATE_ON_PUSH: 'create on push', PULL_THROUGH_CACHE: 'pull-through cache', REPLICATION: 'replication' };

export const GROUP_LABELS = { pullThroughGroup: 'Pull-Through Cache Rules', templateGroup: 'Creation Templates' } as const;

export function registryGroupItem(node: RegistryGroupNode | PullThroughRuleNode | CreationTemplateNode): vscode.TreeItem {
  switch (node.kind) {
    case 'pullThroughGroup':
    case 'templateGroup': {
      const item = new vscode.TreeItem(GROUP_LABELS[node.kind], vscode.TreeItemCollapsibleState.Collapsed);
      item.description = node.summary;
      item.contextValue = node.kind;
      item.iconPath = new vscode.ThemeIcon(node.kind === 'pullThroughGroup' ? 'cloud-download' : 'notebook-template');
      item.tooltip =
        node.kind === 'pullThroughGroup'
          ? 'Rules that let this registry cache images from an upstream registry (Docker Hub, Quay, GitHub, …): pulling <registry>/<prefix>/<image> fetches and keeps the upstream image.'
          : 'Repository creation templates: settings ECR applies to repositories it creates itself: on push to a missing repository (create on push), for pull-through cache, for replication. Read-only here.';
      return item;
    }
    case 'pullThroughRule': {
      const { rule } = node;
      const prefix = rule.ecrRepositoryPrefix.replace(/\/$/, '');
      const kind = rule.upstream ? upstreamKind(rule.upstream) : undefined;
      const upstream = kind?.label ?? rule.upstreamRegistryUrl;
      const secretName = rule.credentialArn?.split(':secret:')[1];
      const item = new vscode.TreeItem(`${prefix}/`, vscode.TreeItemCollapsibleState.None);
      // The sidebar is narrow: the upstream, then the secret (its name; the full ARN is in the tooltip).
      item.description = [kind?.url ? upstream : rule.upstreamRegistryUrl, secretName].filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon('mirror');
      item.contextValue = 'pullThroughRule';
      const upstreamPrefix = rule.upstreamRepositoryPrefix && rule.upstreamRepositoryPrefix !== 'ROOT' ? `${rule.upstreamRepositoryPrefix.replace(/\/$/, '')}/` : '';
      item.tooltip = md([
        `**Pull-through cache rule ${code(`${prefix}/`)}**`,
        `Upstream: ${upstream}, ${code(rule.upstreamRegistryUrl)}${upstreamPrefix ? ` (only ${code(upstreamPrefix)})` : ''}`,
        `Credentials: ${rule.credentialArn ? code(rule.credentialArn) : 'none (the upstream needs no authentication)'}`,
        ...(rule.customRoleArn ? [`IAM role: ${code(rule.customRoleArn)}`] : []),
        ...(rule.upstreamRoleArn ? [`Upstream IAM role (assumed through it): ${code(rule.upstreamRoleArn)}`] : []),
        ...(rule.createdAt ? [`Created: ${formatAge(rule.createdAt)}`] : []),
        `Pull through it: ${code(`${node.registryHost}/${prefix}/${upstreamPrefix}<repository>:<tag>`)}`,
      ]);
      item.accessibilityInformation = { label: `Pull-through cache rule ${prefix}, ${item.description}`, role: 'treeitem' };
      return item;
    }
    case 'creationTemplate': {
      const { template } = node;
      const item = new vscode.TreeItem(templateLabel(template), vscode.TreeItemCollapsibleState.None);
      // What it sets first (the sidebar cuts the end), then when ECR applies it; default encryption is not news.
      const sets = describeTemplate(template).slice(0, -1).filter((part) => part !== 'AES-256 encryption');
      sets[0] = `tags ${sets[0].replace(/^Tags: /, '')}`;
      item.description = [...sets, `for ${template.appliedFor.map((scenario) => APPLIED_FOR[scenario] ?? scenario).join(', ')}`].join(' · ');
      item.iconPath = new vscode.ThemeIcon('symbol-file');
      item.contextValue = 'creationTemplate';
      item.tooltip = md([
        `**Repository creation template ${code(templateLabel(template))}**`,
        ...(template.description ? [template.description] : []),
        `Applies to: ${template.prefix === 'ROOT' ? 'every repository no other template covers' : `repositories named ${code(`${template.prefix.replace(/\/+$/, '')}/…`)}`}`,
        `Applied for: ${template.appliedFor.map((scenario) => APPLIED_FOR[scenario] ?? scenario).join(', ') || 'nothing'}`,
        `Sets: ${describeTemplate(template).slice(0, -1).join('; ')}`,
        ...(template.resourceTags.length ? [`Resource tags: ${template.resourceTags.map((tag) => code(`${tag.key}=${tag.value}`)).join(', ')}`] : []),
        ...(template.encryption?.kmsKey ? [`KMS key: ${code(template.encryption.kmsKey)}`] : []),
      ]);
      return item;
    }
  }
}
