import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ImageSummary, RepositorySummary } from '../ecr/listing';
import type { Page } from '../ecr/pagination';
import type { RegistryClient } from '../registry/client';
import type { ManifestAnswer } from '../images/manifestCache';

/** What the model needs of a configured registry (the VS Code layer's Connection is one). */
export interface ExplorerRegistry {
  readonly key: string;
  readonly label: string;
  readonly region: string;
  readonly accountId: string | undefined;
  readonly config: { readonly accountId?: string; readonly profile?: string; readonly credentialsFile?: string };
  readonly pageSize: number;
  client(): Promise<ECRClient>;
  /** The host image URIs use (the override, else the one in a repository URI, else the account's). */
  registryHost(repositoryUri?: string): string;
  /** Learns the account from a listing when settings did not name it. */
  learnAccount(accountId: string | undefined): void;
  /** The ECR token for the registry endpoint (cached; `forceRefresh` after a 401); absent: manifests are not read. */
  auth?(options?: { forceRefresh?: boolean }): Promise<{ username: string; password: string; registryHost: string }>;
}

/** Where pages and scan summaries come from: ECR by default, fakes in unit tests. */
export interface ExplorerSource {
  repositoryPage(registry: ExplorerRegistry, startToken: string | undefined): Promise<Page<RepositorySummary>>;
  imagePage(registry: ExplorerRegistry, repository: string, startToken: string | undefined): Promise<Page<ImageSummary>>;
  scanSummary(registry: ExplorerRegistry, repository: string, digest: string): Promise<{ status: string; counts: Record<string, number> }>;
  /**
   * One manifest by digest from the registry endpoint (to group an index with its platform images):
   * its exact bytes (kept by the manifest cache when they hash to the digest) or the parsed manifest; optional.
   */
  manifest?(registry: ExplorerRegistry, repository: string, digest: string): Promise<ManifestAnswer>;
}

/** One registry client per registry: it keeps the token between requests (in memory only). */
const registryClients = new WeakMap<ExplorerRegistry, Promise<RegistryClient>>();

function registryClient(registry: ExplorerRegistry): Promise<RegistryClient> {
  let client = registryClients.get(registry);
  if (!client) {
    const auth = registry.auth;
    if (!auth) return Promise.reject(new Error(`${registry.label}: no registry credentials`));
    client = import('../registry/client').then(({ registryClientFrom }) => registryClientFrom((options) => auth.call(registry, options)));
    client.catch(() => registryClients.delete(registry));
    registryClients.set(registry, client);
  }
  return client;
}


export const ecrSource: ExplorerSource = {
  async repositoryPage(registry, startToken) {
    const { repositoryPages } = await import('../ecr/listing');
    const page = await repositoryPages(await registry.client(), { registryId: registry.config.accountId, pageSize: registry.pageSize, startToken }).next();
    return page.value ?? { items: [] };
  },
  async imagePage(registry, repository, startToken) {
    const { imagePages } = await import('../ecr/listing');
    // ANY: ECR lists only active images unless asked; the tree shows archived ones apart.
    const options = { registryId: registry.config.accountId, pageSize: registry.pageSize, startToken, imageStatus: 'ANY' as const };
    const page = await imagePages(await registry.client(), repository, options).next();
    return page.value ?? { items: [] };
  },
  async scanSummary(registry, repository, digest) {
    const { describeScanSummary } = await import('../ecr/scanning');
    return describeScanSummary(await registry.client(), repository, { digest }, registry.config.accountId);
  },
  async manifest(registry, repository, digest) {
    // The exact bytes: the manifest cache keeps them by digest, so this machine reads each once.
    return (await (await registryClient(registry)).getManifest(repository, digest)).bytes;
  },
};
