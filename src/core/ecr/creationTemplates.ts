/**
 * Repository creation templates (read-only here): the settings ECR applies to repositories it creates
 * itself — on create-on-push, for pull-through cache and for replication (appliedFor). A template's
 * prefix always has an assumed trailing "/": prefix prod applies to prod/app and prod/team/app, not to
 * prod itself; ROOT applies to repositories no other template covers.
 * Our reading where the docs are silent: when several templates match, the longest prefix is the one
 * that applies, and only templates for the scenario at hand are considered.
 */
import type { ECRClient, RepositoryCreationTemplate } from '@aws-sdk/client-ecr';
import { collectAll, paginate, type Page } from './pagination';
import { describeTagMutability, tagMutabilityFrom, type TagMutabilitySettings } from './tagMutability';

export type AppliedFor = 'CREATE_ON_PUSH' | 'PULL_THROUGH_CACHE' | 'REPLICATION';

export interface CreationTemplate {
  prefix: string;
  description?: string;
  appliedFor: AppliedFor[];
  tagMutability: TagMutabilitySettings;
  lifecyclePolicy?: string;
  repositoryPolicy?: string;
  encryption?: { type: string; kmsKey?: string };
  resourceTags: Array<{ key: string; value: string }>;
  customRoleArn?: string;
  createdAt?: Date;
  updatedAt?: Date;
}

export function toCreationTemplate(template: RepositoryCreationTemplate): CreationTemplate {
  return {
    prefix: template.prefix ?? '',
    description: template.description || undefined,
    appliedFor: [...((template.appliedFor ?? []) as AppliedFor[])],
    tagMutability: tagMutabilityFrom(template.imageTagMutability, template.imageTagMutabilityExclusionFilters),
    lifecyclePolicy: template.lifecyclePolicy || undefined,
    repositoryPolicy: template.repositoryPolicy || undefined,
    encryption: template.encryptionConfiguration?.encryptionType
      ? { type: template.encryptionConfiguration.encryptionType, kmsKey: template.encryptionConfiguration.kmsKey }
      : undefined,
    resourceTags: (template.resourceTags ?? []).map((tag) => ({ key: tag.Key ?? '', value: tag.Value ?? '' })),
    customRoleArn: template.customRoleArn,
    createdAt: template.createdAt,
    updatedAt: template.updatedAt,
  };
}

/** DescribeRepositoryCreationTemplates, one page per iteration. */
export function creationTemplatePages(client: ECRClient, options: { signal?: AbortSignal } = {}): AsyncGenerator<Page<CreationTemplate>, void, undefined> {
  return paginate(
    async (nextToken) => {
      const { DescribeRepositoryCreationTemplatesCommand } = await import('@aws-sdk/client-ecr');
      const response = await client.send(new DescribeRepositoryCreationTemplatesCommand({ maxResults: 1000, nextToken }), { abortSignal: options.signal });
      return { items: (response.repositoryCreationTemplates ?? []).map(toCreationTemplate), nextToken: response.nextToken };
    },
    { signal: options.signal },
  );
}

export const listCreationTemplates = (client: ECRClient, options?: { signal?: AbortSignal }) => collectAll(creationTemplatePages(client, options));

/** Whether a template's prefix covers a repository name (ROOT covers every name). */
export function prefixCovers(prefix: string, repository: string): boolean {
  if (prefix === 'ROOT') return true;
  const normalized = prefix.replace(/\/+$/, '');
  return repository.startsWith(`${normalized}/`);
}

/** The template ECR would apply when it creates `repository` for `scenario`, if any. */
export function templateFor(repository: string, templates: CreationTemplate[], scenario: AppliedFor = 'CREATE_ON_PUSH'): CreationTemplate | undefined {
  const forScenario = templates.filter((template) => template.appliedFor.includes(scenario));
  const specific = forScenario
    .filter((template) => template.prefix !== 'ROOT' && prefixCovers(template.prefix, repository))
    .sort((a, b) => b.prefix.replace(/\/+$/, '').length - a.prefix.replace(/\/+$/, '').length)[0];
  return specific ?? forScenario.find((template) => template.prefix === 'ROOT');
}

/** What a template applies, in short phrases for a tooltip or a task line. */
export function describeTemplate(template: CreationTemplate): string[] {
  const parts = [describeTagMutability(template.tagMutability)];
  if (template.lifecyclePolicy) {
    let rules: number | undefined;
    try {
      rules = (JSON.parse(template.lifecyclePolicy) as { rules?: unknown[] }).rules?.length;
    } catch {
      rules = undefined;
    }
    parts.push(`lifecycle policy${rules !== undefined ? ` (${rules} rule${rules === 1 ? '' : 's'})` : ''}`);
  }
  if (template.repositoryPolicy) parts.push('repository policy');
  if (template.encryption) parts.push(template.encryption.type === 'AES256' ? 'AES-256 encryption' : `${template.encryption.type} encryption`);
  if (template.resourceTags.length) parts.push(`${template.resourceTags.length} resource tag${template.resourceTags.length === 1 ? '' : 's'}`);
  parts.push(`applied for ${template.appliedFor.join(', ') || 'nothing'}`);
  return parts;
}

/** The name a template shows under: "prod/" or "ROOT (every other repository)". */
export const templateLabel = (template: Pick<CreationTemplate, 'prefix'>) =>
  template.prefix === 'ROOT' ? 'ROOT (every other repository)' : `${template.prefix.replace(/\/+$/, '')}/`;
