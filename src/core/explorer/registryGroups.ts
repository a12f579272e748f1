import type { ClassifiedError } from '../ecr/errors';
import type { CreationTemplate } from '../ecr/creationTemplates';
import type { PullThroughRule } from '../ecr/pullThroughCache';
import type { Logger } from '../log';
import type { CreationTemplateNode, ExplorerNode, PullThroughRuleNode, RegistryGroupNode, RegistryNode } from './nodes';
import { NodeStore } from './nodeStore';
import type { ExplorerRegistry } from './source';

/** Where a registry's pull-through cache rules and creation templates come from: ECR, or fakes in unit tests. */
export interface RegistryGroupsSource {
  pullThroughRules(registry: ExplorerRegistry): Promise<PullThroughRule[]>;
  creationTemplates(registry: ExplorerRegistry): Promise<CreationTemplate[]>;
}

const ecrGroupsSource: RegistryGroupsSource = {
  async pullThroughRules(registry) {
    const { listPullThroughRules } = await import('../ecr/pullThroughCache');
    return listPullThroughRules(await registry.client(), { registryId: registry.config.accountId });
  },
  async creationTemplates(registry) {
    const { listCreationTemplates } = await import('../ecr/creationTemplates');
    return listCreationTemplates(await registry.client());
  },
};

export interface RegistryGroupsOptions {
  classify(error: unknown, registry: ExplorerRegistry): ClassifiedError;
  logger: Logger;
  source?: RegistryGroupsSource;
  track?<T>(work: Promise<T>): Promise<T>;
}

/** What the model gives the groups when it takes them on (see ExplorerModel's `groups` option). */
export interface GroupsHost {
  registry(registryKey: string): ExplorerRegistry | undefined;
  changed(node: ExplorerNode | undefined): void;
}

type Group = 'pullThrough' | 'templates';

/** One registry-wide listing (both are a single page in practice: ECR allows 50 rules and 300 templates). */
interface Listed<T> {
  items?: T[];
  error?: ClassifiedError;
  pending?: Promise<void>;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * The registry-level groups of the explorer, beside its repositories: "Pull-Through Cache Rules" and
 * "Creation Templates". Each is listed when its group expands (never on activation),
 * kept until a refresh, and fails on its own: an error row in the group, the repositories untouched.
 * The rules are also what the Dockerfile quick fix and hover read (`pullThroughRules`), so typing
 * never calls ECR: the first question lists them once, later ones use the listing.
 */
export class RegistryGroups {
  private readonly nodes = new NodeStore();
  private readonly listings = { pullThrough: new Map<string, Listed<PullThroughRule>>(), templates: new Map<string, Listed<CreationTemplate>>() };
  private readonly source: RegistryGroupsSource;
  private host: GroupsHost | undefined;

  constructor(private readonly options: RegistryGroupsOptions) {
    this.source = options.source ?? ecrGroupsSource;
  }

  /** Called by the model that shows the groups. */
  attach(host: GroupsHost): void {
    this.host = host;
  }

  /** The two group rows under a registry (its first children). */
  groupNodes(registry: RegistryNode): RegistryGroupNode[] {
    return (['pullThrough', 'templates'] as const).map((group) =>
      this.nodes.keep<RegistryGroupNode>({
        kind: group === 'pullThrough' ? 'pullThroughGroup' : 'templateGroup',
        id: groupId(registry.registryKey, group),
        parentId: registry.id,
        registryKey: registry.registryKey,
        summary: this.summary(registry.registryKey, group),
      }),
    );
  }

  node(id: string): ExplorerNode | undefined {
    return this.nodes.get(id);
  }

  /** The rows of a group node (empty for any other node). */
  async children(node: ExplorerNode): Promise<ExplorerNode[]> {
    if (node.kind !== 'pullThroughGroup' && node.kind !== 'templateGroup') return [];
    const registry = this.host?.registry(node.registryKey);
    if (!registry) return [];
    if (node.kind === 'pullThroughGroup') {
      const listed = await this.listed(registry, 'pullThrough', true);
      const rows = (listed.items ?? [])
        .slice()
        .sort((a, b) => a.ecrRepositoryPrefix.localeCompare(b.ecrRepositoryPrefix))
        .map((rule) =>
          this.nodes.keep<PullThroughRuleNode>({
            kind: 'pullThroughRule',
            id: `${node.id}/${rule.ecrRepositoryPrefix}`,
            parentId: node.id,
            registryKey: node.registryKey,
            rule,
            registryHost: registry.registryHost(),
          }),
        );
      return this.withStatus(node, rows, listed, 'No pull-through cache rules. Create one with the + button.');
    }
    const listed = await this.listed(registry, 'templates', true);
    const rows = (listed.items ?? [])
      .slice()
      .sort((a, b) => (a.prefix === 'ROOT' ? 1 : b.prefix === 'ROOT' ? -1 : a.prefix.localeCompare(b.prefix)))
      .map((template) => this.nodes.keep<CreationTemplateNode>({ kind: 'creationTemplate', id: `${node.id}/${template.prefix}`, parentId: node.id, registryKey: node.registryKey, template }));
    return this.withStatus(node, rows, listed, 'No repository creation templates: repositories ECR creates get its defaults.');
  }

  /**
   * The registry's pull-through cache rules for other features (quick fix, hover): listed once, then
   * from memory until a refresh. `error` is set when they could not be listed.
   */
  async pullThroughRules(registryKey: string): Promise<{ rules: PullThroughRule[]; error?: ClassifiedError }> {
    const registry = this.host?.registry(registryKey);
    if (!registry) return { rules: [] };
    const listed = await this.listed(registry, 'pullThrough', false);
    return { rules: listed.items ?? [], error: listed.error };
  }

  /** Forgets one group's listing (or both, or every registry's) and redraws it; listed again on demand. */
  refresh(registryKey?: string, group?: Group): void {
    for (const name of group ? [group] : (['pullThrough', 'templates'] as const)) {
      if (!registryKey) this.listings[name].clear();
      else this.listings[name].delete(registryKey);
      const node = registryKey && this.nodes.get(groupId(registryKey, name));
      if (node) this.host?.changed(node);
    }
  }

  /** New registries: everything listed is forgotten. */
  clear(): void {
    this.nodes.clear();
    this.listings.pullThrough.clear();
    this.listings.templates.clear();
  }

  private listed<G extends Group>(registry: ExplorerRegistry, group: G, shown: boolean): Promise<Listed<G extends 'pullThrough' ? PullThroughRule : CreationTemplate>> {
    const listings = this.listings[group] as Map<string, Listed<PullThroughRule | CreationTemplate>>;
    let listed = listings.get(registry.key);
    if (!listed) listings.set(registry.key, (listed = {}));
    const current = listed;
    if (current.items === undefined && current.error === undefined) {
      current.pending ??= (async () => {
        try {
          current.items = group === 'pullThrough' ? await this.source.pullThroughRules(registry) : await this.source.creationTemplates(registry);
        } catch (error) {
          current.error = this.options.classify(error, registry);
          this.options.logger.warn(`${registry.label}: ${group === 'pullThrough' ? 'pull-through cache rules' : 'creation templates'}: ${current.error.message} (${current.error.detail})`);
        } finally {
          current.pending = undefined;
          // The group's row says how many there are (also when listed for the quick fix); its
          // children are listed by then, so redrawing it asks ECR nothing.
          const node = this.nodes.get(groupId(registry.key, group));
          if (node?.kind === 'pullThroughGroup' || node?.kind === 'templateGroup') {
            node.summary = this.summary(registry.key, group);
            this.host?.changed(node);
          }
        }
      })();
      const work = current.pending;
      return (shown && this.options.track ? this.options.track(work) : work).then(() => current as never);
    }
    return (current.pending ?? Promise.resolve()).then(() => current as never);
  }

  private summary(registryKey: string, group: Group): string | undefined {
    const listed = this.listings[group].get(registryKey);
    if (!listed?.items) return undefined;
    return group === 'pullThrough' ? plural(listed.items.length, 'rule') : plural(listed.items.length, 'template');
  }

  private withStatus(group: RegistryGroupNode, rows: ExplorerNode[], listed: Listed<unknown>, empty: string): ExplorerNode[] {
    if (listed.error) {
      return [...rows, this.nodes.error(group, listed.error)];
    }
    if (rows.length === 0) return [this.nodes.message(group, empty, 'info')];
    return rows;
  }
}

export const groupId = (registryKey: string, group: Group) => `registry:${registryKey}/${group === 'pullThrough' ? 'pull-through-rules' : 'creation-templates'}`;
