import type { ImageNode } from '../../core/explorer/nodes';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { PullThroughRule } from '../../core/ecr/pullThroughCache';
import type { NodeKind } from '../../core/explorer/nodes';

/**
 * What the explorer offers the other features (build-and-push, authoring) and the extension's
 * exported API (tests, benches). The explorer owns the configured registries and their ECR
 * connections; others borrow them through this interface, never through tree nodes.
 */
export interface RegistryConnection {
  /** Stable key of the registry, "<accountId or 'default'>/<region>[/<profile>]". */
  readonly key: string;
  readonly label: string;
  readonly region: string;
  /** The registry id (account), once known (from settings, or resolved through GetAuthorizationToken). */
  readonly accountId: string | undefined;
  /** The ECR API client (SDK loaded on first call). */
  client(): Promise<ECRClient>;
  /**
   * Docker credentials for the registry, from GetAuthorizationToken, cached and refreshed before
   * expiry. `registryHost` already honours the registry-host override setting.
   */
  auth(options?: { forceRefresh?: boolean }): Promise<{ username: string; password: string; registryHost: string }>;
}

/** One row of the tree as a person reads it (label, description), with its children when expanded. */
export interface TreeSnapshotEntry {
  kind: NodeKind;
  label: string;
  description?: string;
  contextValue?: string;
  children?: TreeSnapshotEntry[];
}

export interface ExplorerApi {
  /** Configured registries, in sidebar order. */
  connections(): readonly RegistryConnection[];
  /** A registry by key or label (as the ecr-build task's `registry` property names it); the first when omitted. */
  connection(nameOrKey?: string): RegistryConnection | undefined;
  /**
   * The registry a command acts on, with the explorer's wording when there is none: named by the
   * argument (a tree node, `{ registryKey }`, `{ registry }`, a key or label), else the only one, else a pick.
   */
  resolveRegistry(arg: unknown, purpose: string): Promise<RegistryConnection | undefined>;
  /** Re-lists a registry (or one repository in it) in the tree, e.g. after a push. */
  refresh(registryKey?: string, repositoryName?: string): void;
  /** A result shown above the tree, where a person who started something from the view looks (until the next result). */
  tell(message: string): void;
  /** Repository names and tags the tree has already listed (no API call), for completion. */
  knownImages(): Array<{ registryHost: string; repository: string; tags: string[] }>;
  /**
   * Each registry's pull-through cache rules and the host images are pulled through, for the FROM
   * quick fix and hover: listed once per registry (ECR is not asked again until a refresh). A registry
   * whose rules could not be listed comes with the reason.
   */
  pullThroughRules(): Promise<Array<{ registryKey: string; label: string; registryHost: string; rules: PullThroughRule[]; problem?: string }>>;

  // What tests and benches use to see and drive the tree (no hidden commands needed).
  /**
   * Registries with their first page of repositories, and the images of the named repositories ('*' for all listed);
   * a registry group is expanded when its label is named ("Pull-Through Cache Rules", "Creation Templates").
   */
  treeSnapshot(expandRepositories?: string[]): Promise<TreeSnapshotEntry[]>;
  /** Reveals a registry or repository node in the view, listing pages until the repository shows up. */
  reveal(registryKey: string, repositoryName?: string, options?: { expand?: boolean | number; select?: boolean; focus?: boolean }): Promise<void>;
  /** Shows an image's row (under its group or index) and returns its node; undefined when the repository does not list it. */
  revealImage(registryKey: string, repositoryName: string, digest: string, options?: { expand?: boolean; select?: boolean; focus?: boolean }): Promise<ImageNode | undefined>;
  /** Same as ecr.filter / ecr.clearFilter (empty text clears). */
  setFilter(text: string): void;
  /** The repository's row (a tree node, as a context menu passes it), listing pages until found; for tests. */
  repositoryNode(registryKey: string, repositoryName: string): Promise<unknown>;
  /** An image's row (a tree node, as a context menu passes it) by tag or digest, listing the repository if needed; for tests. */
  imageNode(registryKey: string, repositoryName: string, tagOrDigest: string): Promise<unknown>;
  /** The rows right under a repository (tree nodes: images, groups, an error row…), listing it if needed; for tests. */
  repositoryRows(registryKey: string, repositoryName: string): Promise<unknown[]>;
  /** The text above the tree now (a filter, the last result told there); for tests. */
  viewMessage(): string | undefined;
  /**
   * Clicks the "Load more" node under a registry (or one repository) as ecr.loadMore does: fetches
   * the next page and refreshes that node. False when the listing has no further page.
   */
  loadMore(registryKey: string, repositoryName?: string): Promise<boolean>;
}
