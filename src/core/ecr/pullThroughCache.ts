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
import type { ECRClient, PullThroughCacheRule as SdkPullThroughCacheRule, UpstreamRegistry as SdkUpstreamRegistry } from '@aws-sdk/client-ecr';
import { collectAll, paginate, type Page } from './pagination';
import { registryHostOf } from '../imageReference';

export type UpstreamRegistry =
  | 'ecr'
  | 'ecr-public'
  | 'ecr-public-premium'
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
  /** What authenticates ECR to the upstream ('roles': customRoleArn and upstreamRoleArn, both required). */
  auth: 'none' | 'secret' | 'role-when-cross-account' | 'roles';
  /** The ECR console's default prefix, offered as the suggestion. */
  suggestedPrefix: string;
}

export const UPSTREAMS: readonly UpstreamKind[] = [
  { upstream: 'docker-hub', label: 'Docker Hub', url: 'registry-1.docker.io', auth: 'secret', suggestedPrefix: 'docker-hub' },
  { upstream: 'ecr-public', label: 'Amazon ECR Public', url: 'public.ecr.aws', auth: 'none', suggestedPrefix: 'ecr-public' },
  // ECR API model (botocore 1.44, CreatePullThroughCacheRuleRequest): "Amazon ECR Public Premium
  // (ecr-public-premium) – ecr-premium.aws.com"; customRoleArn together with upstreamRoleArn.
  { upstream: 'ecr-public-premium', label: 'Amazon ECR Public Premium', url: 'ecr-premium.aws.com', auth: 'roles', suggestedPrefix: 'ecr-public-premium' },
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
  /** The role in the upstream's account ECR assumes through customRoleArn (ECR Public Premium only). */
  upstreamRoleArn?: string;
  registryId?: string;
  createdAt?: Date;
  updatedAt?: Date;
}

export function toPullThroughRule(rule: SdkPullThroughCacheRule & { upstreamRoleArn?: string }): PullThroughRule {
  const url = rule.upstreamRegistryUrl ?? '';
  return {
    ...(rule.upstreamRoleArn ? { upstreamRoleArn: rule.upstreamRoleArn } : {}),
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
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
/** upstreamRoleArn: "the IAM role in the aws partition" (ECR API model). */
const AWS_PARTITION_ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export interface NewPullThroughRule {
  upstream: UpstreamRegistry;
  ecrRepositoryPrefix: string;
  /** Required for ecr and azure-container-registry (the user's own host); the known URL otherwise. */
  upstreamRegistryUrl?: string;
  upstreamRepositoryPrefix?: string;
  credentialArn?: string;
  customRoleArn?: string;
  /** ECR Public Premium only, with customRoleArn. */
  upstreamRoleArn?: string;
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
  if (rule.customRoleArn && kind.upstream !== 'ecr' && kind.auth !== 'roles') problems.push('Only an Amazon ECR or Amazon ECR Public Premium upstream takes an IAM role.');
  if (rule.customRoleArn && !ROLE_ARN.test(rule.customRoleArn)) problems.push(`"${rule.customRoleArn}" is not an IAM role ARN.`);
  if (kind.auth === 'roles') {
    if (!rule.customRoleArn) problems.push(`${kind.label} needs the IAM role in this account that ECR assumes (customRoleArn).`);
    if (!rule.upstreamRoleArn) problems.push(`${kind.label} needs the IAM role ECR assumes through it to reach the upstream (upstreamRoleArn).`);
    else if (!AWS_PARTITION_ROLE_ARN.test(rule.upstreamRoleArn)) problems.push(`"${rule.upstreamRoleArn}" is not an IAM role ARN in the aws partition.`);
  } else if (rule.upstreamRoleArn) problems.push('Only an Amazon ECR Public Premium upstream takes an upstream role (upstreamRoleArn).');
  if (rule.upstreamRepositoryPrefix !== undefined && rule.upstreamRepositoryPrefix !== 'ROOT' && !PREFIX_PATTERN.test(rule.upstreamRepositoryPrefix)) {
    problems.push(`The upstream repository prefix "${rule.upstreamRepositoryPrefix}" must look like a repository path, or be ROOT.`);
  }
  return problems;
}

/**
 * Members of ECR's API model that @aws-sdk/client-ecr 3.1178 (the newest release) does not know yet:
 * botocore 1.44's ecr model has `upstreamRoleArn` on CreatePullThroughCacheRule and on every rule
 * returned, and the SDK drops unknown members both ways. They go into the request's JSON body after
 * the SDK serialized it, and are read from the response's JSON body before the SDK parses it.
 */
function withModelMembers<C extends { middlewareStack: unknown }>(command: C, extra: Record<string, unknown>, read: (json: Record<string, unknown>) => void): C {
  const stack = command.middlewareStack as { add(middleware: unknown, options: { step: 'build' | 'deserialize'; priority?: 'low'; name: string }): void };
  type Next = (args: { request: { body?: unknown } }) => Promise<{ response: { body?: unknown } }>;
  if (Object.keys(extra).length) {
    stack.add(
      (next: Next) => async (args: { request: { body?: unknown } }) => {
        const body = args.request.body;
        const text = typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : undefined;
        if (text !== undefined) {
          const bytes = new TextEncoder().encode(JSON.stringify({ ...(JSON.parse(text || '{}') as object), ...extra }));
          args.request.body = typeof body === 'string' ? new TextDecoder().decode(bytes) : bytes;
          // The signature covers the body and its length: the length may already be set.
          const headers = (args.request as { headers?: Record<string, string> }).headers;
          if (headers?.['content-length'] !== undefined) headers['content-length'] = String(bytes.length);
        }
        return next(args);
      },
      { step: 'build', name: 'ecrWorkbenchExtraMembers' },
    );
  }
  stack.add(
    (next: Next) => async (args: { request: { body?: unknown } }) => {
      const result = await next(args);
      const body = result.response.body;
      if (body && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
        const chunks: Uint8Array[] = [];
        for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
        const bytes = Buffer.concat(chunks);
        // The SDK's deserializer reads the same bytes after this.
        result.response.body = bytes;
        try {
          const json = JSON.parse(bytes.toString('utf8')) as unknown;
          if (json && typeof json === 'object') read(json as Record<string, unknown>);
        } catch {
          // Not JSON (an error page): the SDK reports it.
        }
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'ecrWorkbenchRawMembers' },
  );
  return command;
}

/** DescribePullThroughCacheRules, one page per iteration. */
export function pullThroughRulePages(client: ECRClient, options: { registryId?: string; signal?: AbortSignal } = {}): AsyncGenerator<Page<PullThroughRule>, void, undefined> {
  return paginate(
    async (nextToken) => {
      const { DescribePullThroughCacheRulesCommand } = await import('@aws-sdk/client-ecr');
      const raw: { pullThroughCacheRules?: Array<{ ecrRepositoryPrefix?: string; upstreamRoleArn?: string }> } = {};
      const command = withModelMembers(new DescribePullThroughCacheRulesCommand({ registryId: options.registryId, maxResults: 1000, nextToken }), {}, (json) => Object.assign(raw, json));
      const response = await client.send(command, { abortSignal: options.signal });
      const roles = new Map((raw.pullThroughCacheRules ?? []).map((rule) => [rule.ecrRepositoryPrefix, rule.upstreamRoleArn]));
      return { items: (response.pullThroughCacheRules ?? []).map((rule) => toPullThroughRule({ ...rule, upstreamRoleArn: roles.get(rule.ecrRepositoryPrefix) })), nextToken: response.nextToken };
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
  let answered: { upstreamRoleArn?: string } = {};
  const command = withModelMembers(
    new CreatePullThroughCacheRuleCommand({
      registryId: options.registryId,
      ecrRepositoryPrefix: rule.ecrRepositoryPrefix.trim().replace(/\/$/, ''),
      upstreamRegistryUrl: (rule.upstreamRegistryUrl ?? kind.url)!.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
      upstreamRegistry: rule.upstream as SdkUpstreamRegistry,
      credentialArn: rule.credentialArn || undefined,
      customRoleArn: rule.customRoleArn || undefined,
      upstreamRepositoryPrefix: rule.upstreamRepositoryPrefix || undefined,
    }),
    rule.upstreamRoleArn ? { upstreamRoleArn: rule.upstreamRoleArn } : {},
    (json) => (answered = json as typeof answered),
  );
  const response = await client.send(command);
  return toPullThroughRule({ ...response, upstreamRoleArn: answered.upstreamRoleArn });
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
  const written = registryHostOf(name);
  const host = written ? written.toLowerCase() : 'docker.io';
  let path = written ? name.slice(written.length + 1) : name;
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
