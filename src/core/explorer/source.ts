import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ImageSummary, RepositorySummary } from '../ecr/listing';
import type { Page } from '../ecr/pagination';

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
}

/** Where pages and scan summaries come from: ECR by default, fakes in unit tests. */
export interface ExplorerSource {
  repositoryPage(registry: ExplorerRegistry, startToken: string | undefined): Promise<Page<RepositorySummary>>;
  imagePage(registry: ExplorerRegistry, repository: string, startToken: string | undefined): Promise<Page<ImageSummary>>;
  scanSummary(registry: ExplorerRegistry, repository: string, digest: string): Promise<{ status: string; counts: Record<string, number> }>;
}


export const ecrSource: ExplorerSource = {
  async repositoryPage(registry, startToken) {
    const { repositoryPages } = await import('../ecr/listing');
    const page = await repositoryPages(await registry.client(), { registryId: registry.config.accountId, pageSize: registry.pageSize, startToken }).next();
    return page.value ?? { items: [] };
  },
  async imagePage(registry, repository, startToken) {
    const { imagePages } = await import('../ecr/listing');
    const page = await imagePages(await registry.client(), repository, { registryId: registry.config.accountId, pageSize: registry.pageSize, startToken }).next();
    return page.value ?? { items: [] };
  },
  async scanSummary(registry, repository, digest) {
    const { describeScanSummary } = await import('../ecr/scanning');
    return describeScanSummary(await registry.client(), repository, { digest }, registry.config.accountId);
  },
};
