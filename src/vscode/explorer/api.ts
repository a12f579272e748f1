import type { ECRClient } from '@aws-sdk/client-ecr';
import type { PullThroughRule } from '../../core/ecr/pullThroughCache';

/**
 * What the explorer offers the other features (build-and-push, authoring); tests and benches see
 * more through src/vscode/testApi.ts. The explorer owns the configured registries and their ECR
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

}
