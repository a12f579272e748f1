/**
 * Pull-through cache rules: list, create and delete them, check a new rule as ECR checks it, and say
 * which rule would serve an upstream image (the FROM rewrite lives in core/dockerfile/pullThroughRewrite.ts).
 *
 * Facts (ECR user guide "Sync an upstream registry", API reference CreatePullThroughCacheRule):
 * - upstreams and their registry URLs: ecr (<account>.dkr.ecr.<region>.amazonaws.com), ecr-public
 *   (public.ecr.aws), docker-hub (registry-1.docker.io), github-container-registry (ghcr.io),
 *   gitlab-container-registry (registry.gitlab.com), k8s (registry.k8s.io), azure-container-registry
 *   (<name>.azurecr.io), quay (quay.io), chainguard (cgr.dev: the SDK 3.1169.0 enum has "chainguard"
 *   but its URL list does not name the host; cgr.dev is Chainguard's registry);
 * - ECR Public, Kubernetes and Quay need no authentication; Docker Hub, Azure, GitHub, GitLab and
 *   Chainguard need a Secrets Manager secret whose name begins with `ecr-pullthroughcache/`;
 *   an ECR upstream in another account needs an IAM role (customRoleArn);
 * - ecrRepositoryPrefix: 2-30 characters, `^((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*\/?|ROOT)$`,
 *   always read with a trailing `/`; upstreamRepositoryPrefix defaults to ROOT (the whole upstream).
 */
import type { ECRClient, PullThroughCacheRule as SdkPullThroughCacheRule } from '@aws-sdk/client-ecr';
import { collectAll, paginate, type Page } from './pagination';

export type UpstreamRegistry =
  | 'ecr'
  | 'ecr-public'
  | 'docker-hub'
  | 'github-container-registry'
  | 'gitlab-container-registry'
  | 'k8s'
  | 'azure-container-registry'
  | 'quay'
  | 'chainguard';

export interface UpstreamKind {
  upstream: UpstreamRegistry;
  label: string;
  /** The upstreamRegistryUrl to send, or a pattern for the user's own host (ecr, azure). */
  url?: string;
  urlPattern?: RegExp;
  /** What authenticates ECR to the upstream. */
  auth: 'none' | 'secret' | 'role-when-cross-account';
  /** The ECR console's default prefix, offered as the suggestion. */
  suggestedPrefix: string;
}

export const UPSTREAMS: readonly UpstreamKind[] = [
  { upstream: 'docker-hub', label: 'Docker Hub', url: 'registry-1.docker.io', auth: 'secret', suggestedPrefix: 'docker-hub' },
  { upstream: 'ecr-public', label: 'Amazon ECR Public', url: 'public.ecr.aws', auth: 'none', suggestedPrefix: 'ecr-public' },
  { upstream: 'quay', label: 'Quay', url: 'quay.io', auth: 'none', suggestedPrefix: 'quay' },
  { upstream: 'k8s', label: 'Kubernetes', url: 'registry.k8s.io', auth: 'none', suggestedPrefix: 'kubernetes' },
  { upstream: 'github-container-registry', label: 'GitHub Container Registry', url: 'ghcr.io', auth: 'secret', suggestedPrefix: 'github' },
  { upstream: 'gitlab-container-registry', label: 'GitLab Container Registry', url: 'registry.gitlab.com', auth: 'secret', suggestedPrefix: 'gitlab' },
  { upstream: 'chainguard', label: 'Chainguard', url: 'cgr.dev', auth: 'secret', suggestedPrefix: 'chainguard' },
  { upstream: 'azure-container-registry', label: 'Microsoft Azure Container Registry', urlPattern: /^[a-z0-9]+\.azurecr\.io$/, auth: 'secret', suggestedPrefix: 'azure' },
  { upstream: 'ecr', label: 'Amazon ECR (another registry)', urlPattern: /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/, auth: 'role-when-cross-account', suggestedPrefix: 'ecr' },
];

export const upstreamKind = (upstream: string): UpstreamKind | undefined => UPSTREAMS.find((entry) => entry.upstream === upstream);

/** The upstream a registry URL belongs to (for rules ECR returns without upstreamRegistry). */
export function upstreamOfUrl(url: string): UpstreamRegistry | undefined {
  const host = url.replace(/^https?:\/\//, '').replace(/\/+$/, '').toLowerCase();
  return UPSTREAMS.find((entry) => entry.url === host || entry.urlPattern?.test(host))?.upstream;
}

/** A rule as the tree and the rewrite see it (plain data). */
export interface PullThroughRule {
  ecrRepositoryPrefix: string;
  upstreamRegistryUrl: string;
  upstream?: UpstreamRegistry;
  /** ROOT (or absent): the whole upstream registry. */
  upstreamRepositoryPrefix?: string;
  credentialArn?: string;
  customRoleArn?: string;
  registryId?: string;
  createdAt?: Date;
  updatedAt?: Date;
}

export function toPullThroughRule(rule: SdkPullThroughCacheRule): PullThroughRule {
  const url = rule.upstreamRegistryUrl ?? '';
  return {
    ecrRepositoryPrefix: rule.ecrRepositoryPrefix ?? '',
    upstreamRegistryUrl: url,
    upstream: (rule.upstreamRegistry as UpstreamRegistry | undefined) ?? upstreamOfUrl(url),
    upstreamRepositoryPrefix: rule.upstreamRepositoryPrefix,
    credentialArn: rule.credentialArn,
    customRoleArn: rule.customRoleArn,
    registryId: rule.registryId,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
  };
}

const PREFIX_PATTERN = /^((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*\/?|ROOT)$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-zA-Z0-9-:]+:secret:ecr-pullthroughcache\/[a-zA-Z0-9/_+=.@-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/;

export interface NewPullThroughRule {
  upstream: UpstreamRegistry;
  ecrRepositoryPrefix: string;
  /** Required for ecr and azure-container-registry (the user's own host); the known URL otherwise. */
  upstreamRegistryUrl?: string;
  upstreamRepositoryPrefix?: string;
  credentialArn?: string;
  customRoleArn?: string;
}

/** Every reason ECR would refuse the rule (or the rule could never work), as sentences. */
export function pullThroughRuleProblems(rule: NewPullThroughRule, existing: PullThroughRule[] = []): string[] {
  const problems: string[] = [];
  const kind = upstreamKind(rule.upstream);
  if (!kind) return [`"${rule.upstream}" is not an upstream ECR can cache from; choose one of ${UPSTREAMS.map((entry) => entry.upstream).join(', ')}.`];
  const prefix = rule.ecrRepositoryPrefix.trim();
  if (prefix.length < 2 || prefix.length > 30) problems.push(`The repository prefix "${prefix}" must be 2 to 30 characters long.`);
  else if (!PREFIX_PATTERN.test(prefix)) {
    problems.push(`The repository prefix "${prefix}" must be lowercase letters and digits, separated by ".", "_", "-" or "/" (like a repository name), or ROOT.`);
  }
  const normalized = prefix.replace(/\/$/, '');
  if (existing.some((other) => other.ecrRepositoryPrefix.replace(/\/$/, '') === normalized)) problems.push(`A pull-through cache rule with the prefix "${normalized}" already exists.`);
  const url = (rule.upstreamRegistryUrl ?? kind.url ?? '').replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (!url) problems.push(`${kind.label} needs the upstream registry URL (${kind.upstream === 'ecr' ? '<account>.dkr.ecr.<region>.amazonaws.com' : '<name>.azurecr.io'}).`);
  else if (kind.url && url !== kind.url) problems.push(`The ${kind.label} registry URL is ${kind.url}, not ${url}.`);
  else if (kind.urlPattern && !kind.urlPattern.test(url)) problems.push(`"${url}" is not a ${kind.label} registry URL.`);
  if (kind.auth === 'secret') {
    if (!rule.credentialArn) problems.push(`${kind.label} needs credentials: the ARN of a Secrets Manager secret whose name begins with "ecr-pullthroughcache/".`);
    else if (!SECRET_ARN.test(rule.credentialArn)) problems.push(`"${rule.credentialArn}" is not the ARN of a Secrets Manager secret named "ecr-pullthroughcache/…".`);
  } else if (rule.credentialArn) {
    problems.push(`${kind.label} takes no credentials secret${kind.auth === 'none' ? ' (it needs no authentication)' : '; an ECR upstream authenticates with an IAM role'}.`);
  }
  if (rule.customRoleArn && kind.upstream !== 'ecr') problems.push('Only an Amazon ECR upstream takes an IAM role.');
  if (rule.customRoleArn && !ROLE_ARN.test(rule.customRoleArn)) problems.push(`"${rule.customRoleArn}" is not an IAM role ARN.`);
  if (rule.upstreamRepositoryPrefix !== undefined && rule.upstreamRepositoryPrefix !== 'ROOT' && !PREFIX_PATTERN.test(rule.upstreamRepositoryPrefix)) {
    problems.push(`The upstream repository prefix "${rule.upstreamRepositoryPrefix}" must look like a repository path, or be ROOT.`);
  }
  return problems;
}

/** DescribePullThroughCacheRules, one page per iteration. */
export function pullThroughRulePages(client: ECRClient, options: { registryId?: string; signal?: AbortSignal } = {}): AsyncGenerator<Page<PullThroughRule>, void, undefined> {
  return paginate(
    async (nextToken) => {
      const { DescribePullThroughCacheRulesCommand } = await import('@aws-sdk/client-ecr');
      const response = await client.send(new DescribePullThroughCacheRulesCommand({ registryId: options.registryId, maxResults: 1000, nextToken }), { abortSignal: options.signal });
      return { items: (response.pullThroughCacheRules ?? []).map(toPullThroughRule), nextToken: response.nextToken };
    },
    { signal: options.signal },
  );
}

export const listPullThroughRules = (client: ECRClient, options?: { registryId?: string; signal?: AbortSignal }) => collectAll(pullThroughRulePages(client, options));

/** CreatePullThroughCacheRule, after the same checks ECR makes (no call when they fail). */
export async function createPullThroughRule(client: ECRClient, rule: NewPullThroughRule, options: { registryId?: string; existing?: PullThroughRule[] } = {}): Promise<PullThroughRule> {
  const problems = pullThroughRuleProblems(rule, options.existing);
  if (problems.length) throw Object.assign(new Error(problems.join(' ')), { name: 'InvalidPullThroughRuleError' });
  const kind = upstreamKind(rule.upstream)!;
  const { CreatePullThroughCacheRuleCommand } = await import('@aws-sdk/client-ecr');
  const response = await client.send(
    new CreatePullThroughCacheRuleCommand({
      registryId: options.registryId,
      ecrRepositoryPrefix: rule.ecrRepositoryPrefix.trim().replace(/\/$/, ''),
      upstreamRegistryUrl: (rule.upstreamRegistryUrl ?? kind.url)!.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
      upstreamRegistry: rule.upstream,
      credentialArn: rule.credentialArn || undefined,
      customRoleArn: rule.customRoleArn || undefined,
      upstreamRepositoryPrefix: rule.upstreamRepositoryPrefix || undefined,
    }),
  );
  return toPullThroughRule(response);
}

/** DeletePullThroughCacheRule; undefined when there was no such rule. */
export async function deletePullThroughRule(client: ECRClient, ecrRepositoryPrefix: string, registryId?: string): Promise<PullThroughRule | undefined> {
  const { DeletePullThroughCacheRuleCommand } = await import('@aws-sdk/client-ecr');
  try {
    return toPullThroughRule(await client.send(new DeletePullThroughCacheRuleCommand({ registryId, ecrRepositoryPrefix })));
  } catch (error) {
    if ((error as { name?: string }).name === 'PullThroughCacheRuleNotFoundException') return undefined;
    throw error;
  }
}

/** An upstream image reference, split: which registry host, which repository path, tag and digest. */
export interface UpstreamImage {
  /** As the upstream rule names it: registry-1.docker.io for Docker Hub. */
  registryUrl: string;
  /** Repository path in that registry, e.g. library/python, bitnami/redis, org/app. */
  path: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/**
 * Parses an image reference as docker does: no host (or docker.io) means Docker Hub, and a single
 * name there means library/<name>. Undefined for what is not a plain reference (variables, scratch).
 */
export function parseUpstreamImage(reference: string): UpstreamImage | undefined {
  const value = reference.trim();
  if (!value || value.includes('$') || value === 'scratch' || /\s/.test(value)) return undefined;
  const [beforeDigest, digest] = value.split('@', 2);
  if (digest !== undefined && !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) return undefined;
  const slash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.lastIndexOf(':');
  const tag = colon > slash ? beforeDigest.slice(colon + 1) : undefined;
  const name = colon > slash ? beforeDigest.slice(0, colon) : beforeDigest;
  if (tag !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag)) return undefined;
  const segments = name.split('/');
  const first = segments[0];
  const hasHost = segments.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = hasHost ? first.toLowerCase() : 'docker.io';
  let path = hasHost ? segments.slice(1).join('/') : name;
  if (!path || !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) return undefined;
  const dockerHub = DOCKER_HUB_HOSTS.has(host);
  if (dockerHub && !path.includes('/')) path = `library/${path}`;
  return { registryUrl: dockerHub ? 'registry-1.docker.io' : host, path, tag, digest };
}

/** The rule that would serve this upstream image, and the ECR repository it would be cached in. */
export function ruleForImage(image: UpstreamImage, rules: PullThroughRule[]): { rule: PullThroughRule; repository: string } | undefined {
  const candidates: Array<{ rule: PullThroughRule; repository: string; specificity: number }> = [];
  for (const rule of rules) {
    const url = rule.upstreamRegistryUrl.replace(/^https?:\/\//, '').replace(/\/+$/, '').toLowerCase();
    const sameRegistry = url === image.registryUrl || (DOCKER_HUB_HOSTS.has(url) && image.registryUrl === 'registry-1.docker.io');
    if (!sameRegistry) continue;
    const upstreamPrefix = rule.upstreamRepositoryPrefix && rule.upstreamRepositoryPrefix !== 'ROOT' ? rule.upstreamRepositoryPrefix.replace(/\/$/, '') : '';
    if (upstreamPrefix && !image.path.startsWith(`${upstreamPrefix}/`)) continue;
    const rest = upstreamPrefix ? image.path.slice(upstreamPrefix.length + 1) : image.path;
    const ecrPrefix = rule.ecrRepositoryPrefix.replace(/\/$/, '');
    candidates.push({ rule, repository: ecrPrefix === 'ROOT' ? rest : `${ecrPrefix}/${rest}`, specificity: upstreamPrefix.length });
  }
  // A rule for a narrower upstream prefix is the one meant for this image.
  candidates.sort((a, b) => b.specificity - a.specificity || a.rule.ecrRepositoryPrefix.localeCompare(b.rule.ecrRepositoryPrefix));
  const best = candidates[0];
  return best ? { rule: best.rule, repository: best.repository } : undefined;
}

/** In words for a hover: "Served by the pull-through cache rule docker-hub/ (Docker Hub) as docker-hub/library/python". */
export function describeServingRule(match: { rule: PullThroughRule; repository: string }): string {
  const label = match.rule.upstream ? upstreamKind(match.rule.upstream)?.label : undefined;
  return `Served by the pull-through cache rule ${match.rule.ecrRepositoryPrefix.replace(/\/$/, '')}/ (${label ?? match.rule.upstreamRegistryUrl}) as ${match.repository}`;
}
