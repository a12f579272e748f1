/**
 * The registry-level operations moto 5.2 lacks (it answers them with an HTML 500), kept by the ECR
 * front so the extension can be driven against them end to end: pull-through cache rules
 * (Create/Describe/DeletePullThroughCacheRule) and repository creation templates
 * (Create/Describe/DeleteRepositoryCreationTemplate). Shapes and error types follow the ECR API
 * reference; validation is the subset ECR applies before anything else (required fields, prefix
 * pattern, duplicates, unknown names). Not modelled: the upstream registry itself (nothing is
 * pulled through), Secrets Manager (a credential ARN is stored, never read), IAM roles.
 */
// ECR's JSON bodies, read loosely here: the contract test checks every answer against the API model.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

export interface EmulatedAnswer {
  status: number;
  body: Json;
}

const ACCOUNT = '123456789012';
/**
 * The model's pattern for a pull-through cache prefix and a creation template prefix (botocore ecr
 * service-2.json, shapes PullThroughCacheRuleRepositoryPrefix, 2-30 characters, and Prefix):
 * separators `.`, `_`, `__` and any run of `-`, or ROOT.
 */
const PREFIX = /^([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*\/?|ROOT)$/;
/** The members of DeletePullThroughCacheRuleResponse, exactly as the model lists them (no upstreamRegistry, no updatedAt). */
const DELETE_RULE_MEMBERS = ['ecrRepositoryPrefix', 'upstreamRegistryUrl', 'createdAt', 'registryId', 'credentialArn', 'customRoleArn', 'upstreamRoleArn', 'upstreamRepositoryPrefix'];
const UPSTREAM_URLS: Record<string, RegExp> = {
  'docker-hub': /^registry-1\.docker\.io$/,
  'ecr-public': /^public\.ecr\.aws$/,
  // "Amazon ECR Public Premium (ecr-public-premium) – ecr-premium.aws.com" (model: CreatePullThroughCacheRuleRequest.upstreamRegistryUrl).
  'ecr-public-premium': /^ecr-premium\.aws\.com$/,
  quay: /^quay\.io$/,
  k8s: /^registry\.k8s\.io$/,
  'github-container-registry': /^ghcr\.io$/,
  'gitlab-container-registry': /^registry\.gitlab\.com$/,
  chainguard: /^cgr\.dev$/,
  'azure-container-registry': /^[a-z0-9]+\.azurecr\.io$/,
  ecr: /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/,
};
const NEEDS_SECRET = new Set(['docker-hub', 'github-container-registry', 'gitlab-container-registry', 'chainguard', 'azure-container-registry']);

const error = (type: string, message: string, status = 400): EmulatedAnswer => ({ status, body: { __type: type, message } });
const seconds = (date: Date) => date.getTime() / 1000;

export class RegistryFeatures {
  private readonly rules = new Map<string, Json>();
  private readonly templates = new Map<string, Json>();

  reset(): void {
    this.rules.clear();
    this.templates.clear();
  }

  /** The answer for an operation this class keeps, or undefined to let moto answer it. */
  answer(operation: string, input: Json): EmulatedAnswer | undefined {
    switch (operation) {
      case 'CreatePullThroughCacheRule':
        return this.createRule(input);
      case 'DescribePullThroughCacheRules':
        return this.describe(this.rules, input.ecrRepositoryPrefixes, input, 'pullThroughCacheRules', 'PullThroughCacheRuleNotFoundException');
      case 'DeletePullThroughCacheRule':
        return this.deleteRule(input);
      case 'CreateRepositoryCreationTemplate':
        return this.createTemplate(input);
      case 'DescribeRepositoryCreationTemplates':
        // The model lists no not-found error for this operation (ServerException, ValidationException,
        // InvalidParameterException): docs silent on unknown prefixes, our choice is to leave them out.
        return this.describe(this.templates, input.prefixes, input, 'repositoryCreationTemplates');
      case 'DeleteRepositoryCreationTemplate': {
        const template = this.templates.get(String(input.prefix ?? ''));
        if (!template) return error('TemplateNotFoundException', `The specified repository creation template with prefix '${input.prefix}' does not exist in the registry with id '${ACCOUNT}'`);
        this.templates.delete(template.prefix);
        return { status: 200, body: { registryId: ACCOUNT, repositoryCreationTemplate: template } };
      }
      default:
        return undefined;
    }
  }

  /** The CREATE_ON_PUSH template ECR would apply to a new repository (longest prefix, else ROOT). */
  createOnPushTemplate(repository: string): Json | undefined {
    const candidates = [...this.templates.values()].filter((template) => (template.appliedFor as string[]).includes('CREATE_ON_PUSH'));
    const specific = candidates
      .filter((template) => template.prefix !== 'ROOT' && repository.startsWith(`${template.prefix}/`))
      .sort((a, b) => b.prefix.length - a.prefix.length)[0];
    return specific ?? candidates.find((template) => template.prefix === 'ROOT');
  }

  private createRule(input: Json): EmulatedAnswer {
    const prefix = String(input.ecrRepositoryPrefix ?? '').replace(/\/$/, '');
    const url = String(input.upstreamRegistryUrl ?? '');
    if (!prefix || !url) return error('ValidationException', '1 validation error detected: ecrRepositoryPrefix and upstreamRegistryUrl are required');
    const badPrefix = (value: string) => value.length < 2 || value.length > 30 || !PREFIX.test(value);
    if (badPrefix(prefix)) {
      return error('InvalidParameterException', `Invalid parameter at 'ecrRepositoryPrefix' failed to satisfy constraint: 'must satisfy regular expression ${PREFIX.source}' and have length between 2 and 30`);
    }
    const upstreamPrefix = input.upstreamRepositoryPrefix === undefined ? undefined : String(input.upstreamRepositoryPrefix).replace(/\/$/, '');
    if (upstreamPrefix !== undefined && badPrefix(upstreamPrefix)) {
      return error('InvalidParameterException', `Invalid parameter at 'upstreamRepositoryPrefix' failed to satisfy constraint: 'must satisfy regular expression ${PREFIX.source}' and have length between 2 and 30`);
    }
    // "You can set the upstream repository prefix only when the Amazon ECR repository prefix has a
    // non-ROOT value." https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private-wildcards.html
    if (prefix === 'ROOT' && upstreamPrefix !== undefined && upstreamPrefix !== 'ROOT') {
      return error('InvalidParameterException', 'An upstream repository prefix can be set only when the ECR repository prefix is not ROOT.');
    }
    const upstream = input.upstreamRegistry ?? Object.keys(UPSTREAM_URLS).find((key) => UPSTREAM_URLS[key].test(url));
    if (!upstream || !UPSTREAM_URLS[upstream]?.test(url)) return error('UnsupportedUpstreamRegistryException', `The specified upstream registry ${url} is not supported.`);
    // upstreamRoleArn: "You can use this parameter only for the Amazon ECR Public Premium upstream registry, and it
    // requires customRoleArn" (model: CreatePullThroughCacheRuleRequest.upstreamRoleArn).
    if (input.upstreamRoleArn && (upstream !== 'ecr-public-premium' || !input.customRoleArn)) {
      return error('InvalidParameterException', 'upstreamRoleArn can be used only for the ecr-public-premium upstream registry, together with customRoleArn.');
    }
    if (NEEDS_SECRET.has(upstream) && !input.credentialArn) return error('InvalidParameterException', `A credential ARN is required for the upstream registry ${url}.`);
    if (this.rules.has(prefix)) return error('PullThroughCacheRuleAlreadyExistsException', `A pull through cache rule with the ecrRepositoryPrefix '${prefix}' already exists in the registry with id '${ACCOUNT}'`);
    const now = new Date();
    const rule: Json = {
      ecrRepositoryPrefix: prefix,
      upstreamRegistryUrl: url,
      upstreamRegistry: upstream,
      registryId: input.registryId ?? ACCOUNT,
      createdAt: seconds(now),
      updatedAt: seconds(now),
      upstreamRepositoryPrefix: upstreamPrefix ?? 'ROOT',
      ...(input.credentialArn ? { credentialArn: input.credentialArn } : {}),
      ...(input.customRoleArn ? { customRoleArn: input.customRoleArn } : {}),
      ...(input.upstreamRoleArn ? { upstreamRoleArn: input.upstreamRoleArn } : {}),
    };
    this.rules.set(prefix, rule);
    const { updatedAt: _updatedAt, ...created } = rule;
    return { status: 200, body: created };
  }

  private deleteRule(input: Json): EmulatedAnswer {
    const prefix = String(input.ecrRepositoryPrefix ?? '').replace(/\/$/, '');
    const rule = this.rules.get(prefix);
    if (!rule) return error('PullThroughCacheRuleNotFoundException', `The pull through cache rule with the ecrRepositoryPrefix '${prefix}' does not exist in the registry with id '${ACCOUNT}'`);
    this.rules.delete(prefix);
    // DeletePullThroughCacheRuleResponse (botocore ecr service-2.json): exactly its members.
    const deleted = Object.fromEntries(DELETE_RULE_MEMBERS.filter((key) => rule[key] !== undefined).map((key) => [key, rule[key]]));
    return { status: 200, body: deleted };
  }

  private createTemplate(input: Json): EmulatedAnswer {
    const prefix = String(input.prefix ?? '').replace(/\/$/, '');
    const appliedFor = input.appliedFor as string[] | undefined;
    if (!prefix || !appliedFor?.length) return error('ValidationException', '1 validation error detected: prefix and appliedFor are required');
    if (!PREFIX.test(prefix)) return error('InvalidParameterException', `Invalid parameter at 'prefix' failed to satisfy constraint: 'must satisfy regular expression ${PREFIX.source}'`);
    if (this.templates.has(prefix)) return error('TemplateAlreadyExistsException', `The repository creation template with prefix '${prefix}' already exists in the registry with id '${ACCOUNT}'`);
    const now = seconds(new Date());
    const template: Json = {
      prefix,
      appliedFor,
      imageTagMutability: input.imageTagMutability ?? 'MUTABLE',
      encryptionConfiguration: input.encryptionConfiguration ?? { encryptionType: 'AES256' },
      resourceTags: input.resourceTags ?? [],
      createdAt: now,
      updatedAt: now,
      ...Object.fromEntries(
        ['description', 'imageTagMutabilityExclusionFilters', 'repositoryPolicy', 'lifecyclePolicy', 'customRoleArn'].filter((key) => input[key] !== undefined).map((key) => [key, input[key]]),
      ),
    };
    this.templates.set(prefix, template);
    return { status: 200, body: { registryId: ACCOUNT, repositoryCreationTemplate: template } };
  }

  /** Describe*: named items (all must exist) or every item, paged by maxResults (1-1000) as ECR pages. */
  private describe(store: Map<string, Json>, named: unknown, input: Json, key: string, notFound?: string): EmulatedAnswer {
    if (Array.isArray(named) && named.length) {
      const names = named.map((name) => String(name).replace(/\/$/, ''));
      const missing = names.find((name) => !store.has(name));
      if (missing && notFound) return error(notFound, `'${missing}' does not exist in the registry with id '${ACCOUNT}'`);
      return { status: 200, body: { ...(key === 'repositoryCreationTemplates' ? { registryId: ACCOUNT } : {}), [key]: names.filter((name) => store.has(name)).map((name) => store.get(name)) } };
    }
    const pageSize = input.maxResults ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return error('InvalidParameterException', "Invalid parameter at 'maxResults'");
    const offset = input.nextToken ? Number(/^front-offset-(\d+)$/.exec(input.nextToken)?.[1] ?? NaN) : 0;
    if (Number.isNaN(offset)) return error('InvalidParameterException', 'Invalid parameter at nextToken');
    const items = [...store.values()];
    // DescribeRepositoryCreationTemplates names the registry; DescribePullThroughCacheRules does not.
    const body: Json = { ...(key === 'repositoryCreationTemplates' ? { registryId: ACCOUNT } : {}), [key]: items.slice(offset, offset + pageSize) };
    if (offset + pageSize < items.length) body.nextToken = `front-offset-${offset + pageSize}`;
    return { status: 200, body };
  }
}
