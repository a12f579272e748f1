import type { ClassifiedError } from '../ecr/errors';
import { registryNodeId, repositoryNodeId, type ErrorNode, type ExplorerNode, type LoadMoreNode, type MessageNode, type RegistryNode, type RepositoryNode } from './nodes';
import { forgetRowsUnder } from './retention';
import type { ExplorerRegistry } from './source';
import type { RepositorySummary } from '../ecr/listing';

/**
 * Node identity: one object per node id. A node made again is the known object updated to the
 * fresh values, so VS Code, which knows rows by object, can be told that exactly this row changed.
 */
export class NodeStore {
  private readonly byId = new Map<string, ExplorerNode>();

  get(id: string): ExplorerNode | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<ExplorerNode> {
    return this.byId.values();
  }

  clear(): void {
    this.byId.clear();
  }

  /** Forgets the nodes listed under these rows (not the rows), so nothing keeps their items alive (retention.ts). */
  forgetUnder(rowIds: ReadonlySet<string>): void {
    forgetRowsUnder(this.byId, rowIds);
  }

  keep<T extends ExplorerNode>(fresh: T): T {
    const existing = this.byId.get(fresh.id);
    if (existing && existing.kind === fresh.kind) {
      // A node type has no index signature: seen as a record only to drop the fields the fresh node lacks.
      for (const key of Object.keys(existing)) if (!(key in fresh)) delete (existing as unknown as Record<string, unknown>)[key];
      return Object.assign(existing, fresh) as T;
    }
    this.byId.set(fresh.id, fresh);
    return fresh;
  }

  registry(registry: ExplorerRegistry, summary: string | undefined): RegistryNode {
    const { key, label, region, accountId, config } = registry;
    return this.keep<RegistryNode>({ kind: 'registry', id: registryNodeId(key), registryKey: key, label, region, accountId, profile: config.profile, credentialsFile: config.credentialsFile, summary });
  }

  repository(parent: RegistryNode, registry: ExplorerRegistry, repository: RepositorySummary, state: { expandForFilter: boolean; expanded: boolean }): RepositoryNode {
    return this.keep<RepositoryNode>({
      kind: 'repository',
      id: repositoryNodeId(registry.key, repository.name),
      parentId: parent.id,
      registryKey: registry.key,
      repository,
      registryHost: registry.registryHost(repository.uri),
      region: registry.region,
      expandForFilter: state.expandForFilter,
      expanded: state.expanded || undefined,
    });
  }

  loadMore(parent: RegistryNode | RepositoryNode, loaded: number, noun: string, repositoryName?: string): LoadMoreNode {
    return this.keep<LoadMoreNode>({ kind: 'loadMore', id: `${parent.id}/more`, parentId: parent.id, registryKey: parent.registryKey, repositoryName, loaded, noun });
  }

  error(parent: ExplorerNode, error: ClassifiedError, repositoryName?: string): ErrorNode {
    return this.keep<ErrorNode>({ kind: 'error', id: `${parent.id}/error`, parentId: parent.id, registryKey: parent.registryKey, repositoryName, error });
  }

  message(parent: ExplorerNode, message: string, icon?: string): MessageNode {
    return this.keep<MessageNode>({ kind: 'message', id: `${parent.id}/message`, parentId: parent.id, registryKey: parent.registryKey, message, icon });
  }
}
