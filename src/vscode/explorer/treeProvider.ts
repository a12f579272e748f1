import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { ClassifiedError } from '../../core/ecr/errors';
import { tagEntries, type ImageSummary, type RepositorySummary } from '../../core/ecr/listing';
import type { Page } from '../../core/ecr/pagination';
import type { Connection } from './connections';
import type { TreeSnapshotEntry } from './api';
import {
  imageTooltip,
  toTreeItem,
  type ErrorNode,
  type ExplorerNode,
  type ImageNode,
  type LoadMoreNode,
  type MessageNode,
  type RegistryNode,
  type RepositoryNode,
  type UntaggedGroupNode,
} from './nodes';

export const VIEW_ID = 'ecr.registries';

/** A listing that grows a page at a time ("Load more"), with the error of its last page, if any. */
class Listing<T> {
  items: T[] = [];
  nextToken: string | undefined;
  started = false;
  error: ClassifiedError | undefined;
  pending: Promise<void> | undefined;
  /** Bumped on every change, so derived data (sorted tags) can be cached. */
  version = 0;
}

interface SortedImages {
  version: number;
  tagged: Array<{ tag: string; image: ImageSummary }>;
  untagged: ImageSummary[];
}

export type { TreeSnapshotEntry };

const SEPARATOR = '\u0000';

/**
 * Registries > repositories > images. Data is listed page by page and kept here; node objects are
 * kept by id so VS Code can refresh one node at a time. Nothing is fetched until a node expands.
 */
export class RegistryTreeProvider implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private connections: Connection[] = [];
  private readonly nodes = new Map<string, ExplorerNode>();
  private readonly repositoryListings = new Map<string, Listing<RepositorySummary>>();
  private readonly imageListings = new Map<string, Listing<ImageSummary>>();
  private readonly sortedImages = new Map<string, SortedImages>();
  private filterText = '';
  /** Lifecycle preview results: digest → why it would expire, per repository (cleared with a new preview). */
  private readonly lifecycleMarks = new Map<string, Map<string, string>>();
  /** When each image's scan status was last asked for on hover (by digest), to ask at most every 30 s. */
  private readonly scanChecks = new Map<string, number>();

  constructor(
    private readonly classify: (error: unknown, connection: Connection) => ClassifiedError,
    private readonly logger: Logger,
  ) {}

  dispose(): void {
    this.changed.dispose();
  }

  setConnections(connections: Connection[]): void {
    this.connections = connections;
    this.nodes.clear();
    this.repositoryListings.clear();
    this.imageListings.clear();
    this.sortedImages.clear();
    this.changed.fire(undefined);
  }

  connection(registryKey: string): Connection | undefined {
    return this.connections.find((connection) => connection.key === registryKey);
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim().toLowerCase();
    this.changed.fire(undefined);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    // An image's tooltip is left undefined here: VS Code resolves only undefined properties (below).
    return toTreeItem(node);
  }

  /**
   * Called when a person hovers a row (once per row build). DescribeImages carries scan counts on
   * real ECR, but not for a scan still running, nor on endpoints that leave the summary out: then
   * one small DescribeImageScanFindings call fills the tooltip in, at most once per image every 30 s.
   */
  async resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (node.kind !== 'image') return item;
    await this.refreshScanSummary(node);
    if (!token.isCancellationRequested) item.tooltip = imageTooltip(node);
    return item;
  }

  private async refreshScanSummary(node: ImageNode): Promise<void> {
    const image = node.image;
    // A final status from the listing is trusted: COMPLETE without counts means no findings.
    const settled = image.scanStatus && isSettled(image.scanStatus);
    const checkedAt = this.scanChecks.get(image.digest);
    const connection = this.connection(node.registryKey);
    if (settled || !connection || (checkedAt !== undefined && Date.now() - checkedAt < 30_000)) return;
    this.scanChecks.set(image.digest, Date.now());
    try {
      const { describeScanSummary } = await import('../../core/ecr/scanning');
      const summary = await describeScanSummary(await connection.client(), node.repositoryName, { digest: image.digest }, connection.config.accountId);
      image.scanStatus = summary.status === 'NOT_SCANNED' ? undefined : summary.status;
      image.scanFindings = Object.keys(summary.counts).length ? summary.counts : undefined;
      // Still scanning: rebuild the row later, so a later hover resolves (and asks) again.
      if (image.scanStatus && !isSettled(image.scanStatus)) {
        setTimeout(() => {
          if (this.nodes.get(node.id) === node) this.changed.fire(node);
        }, 30_000).unref?.();
      }
    } catch (error) {
      // The tooltip still shows everything else; the reason goes to the log.
      this.logger.warn(`scan status of ${node.repositoryName}@${image.digest}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * A scan was started: forget what the tooltip knew, and rebuild the image's rows so VS Code asks
   * resolveTreeItem again (it resolves a tree item only once).
   */
  scanStarted(registryKey: string, repositoryName: string, digest: string | undefined, status: string): void {
    if (!digest) return;
    this.scanChecks.delete(digest);
    for (const node of this.nodes.values()) {
      if (node.kind === 'image' && node.registryKey === registryKey && node.repositoryName === repositoryName && node.image.digest === digest) {
        node.image.scanStatus = status;
        node.image.scanFindings = undefined;
        this.changed.fire(node);
      }
    }
  }

  /** A repository setting changed (tag mutability, scan on push): update its row without re-listing anything. */
  updateRepository(registryKey: string, repositoryName: string, change: Partial<Pick<RepositorySummary, 'tagMutability' | 'scanOnPush'>>): void {
    const listed = this.repositoryListings.get(registryKey)?.items.find((repository) => repository.name === repositoryName);
    if (listed) Object.assign(listed, change);
    const node = this.nodes.get(repositoryNodeId(registryKey, repositoryName));
    if (node?.kind === 'repository') {
      Object.assign(node.repository, change);
      this.changed.fire(node);
    }
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parentId ? this.nodes.get(node.parentId) : undefined;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) return this.connections.map((connection) => this.registryNode(connection));
    switch (node.kind) {
      case 'registry':
        return this.registryChildren(node);
      case 'repository':
        return this.repositoryChildren(node);
      case 'untagged':
        return this.untaggedChildren(node);
      default:
        return [];
    }
  }

  /** Fetches the next page of the listing a "Load more" node continues. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const parent = this.getParent(node);
    const connection = this.connection(node.registryKey);
    if (!parent || !connection) return;
    const listing = node.repositoryName ? this.imageListing(imageKey(connection.key, node.repositoryName)) : this.repositoryListing(connection.key);
    // A stale "Load more" (clicked twice, or left from before the last page arrived) must not
    // start the listing over: without a next token it would fetch page 1 again and list it twice.
    if (listing.started && !listing.nextToken && !listing.pending) {
      this.changed.fire(parent);
      return;
    }
    if (node.repositoryName) {
      await this.withViewProgress(this.loadImagePage(connection, node.repositoryName));
    } else {
      await this.withViewProgress(this.loadRepositoryPage(connection));
    }
    this.changed.fire(parent);
  }

  /** Drops what was listed (everything, one registry, or one repository's images) and lists again on demand. */
  refresh(registryKey?: string, repositoryName?: string): void {
    if (!registryKey) {
      this.repositoryListings.clear();
      this.imageListings.clear();
      this.sortedImages.clear();
      this.changed.fire(undefined);
      return;
    }
    const registryNode = this.nodes.get(registryNodeId(registryKey));
    const listing = this.repositoryListings.get(registryKey);
    if (repositoryName && listing?.items.some((repository) => repository.name === repositoryName)) {
      this.imageListings.delete(imageKey(registryKey, repositoryName));
      this.sortedImages.delete(imageKey(registryKey, repositoryName));
      this.changed.fire(this.nodes.get(repositoryNodeId(registryKey, repositoryName)));
      return;
    }
    this.repositoryListings.delete(registryKey);
    for (const key of [...this.imageListings.keys()]) {
      if (key.startsWith(registryKey + SEPARATOR)) {
        this.imageListings.delete(key);
        this.sortedImages.delete(key);
      }
    }
    this.changed.fire(registryNode);
  }

  /** Repositories and tags listed so far (no API call). */
  knownImages(): Array<{ registryHost: string; repository: string; tags: string[] }> {
    const known: Array<{ registryHost: string; repository: string; tags: string[] }> = [];
    for (const connection of this.connections) {
      for (const repository of this.repositoryListings.get(connection.key)?.items ?? []) {
        const images = this.imageListings.get(imageKey(connection.key, repository.name))?.items ?? [];
        known.push({ registryHost: connection.registryHost(repository.uri), repository: repository.name, tags: images.flatMap((image) => image.tags) });
      }
    }
    return known;
  }

  /** Loaded repositories of a registry (for pickers), listing the first page when none is. */
  async repositoriesOf(connection: Connection): Promise<RepositorySummary[]> {
    if (!this.repositoryListing(connection.key).started) await this.loadRepositoryPage(connection);
    return this.repositoryListing(connection.key).items;
  }

  /** Marks the images a lifecycle preview would expire (undefined clears), and redraws the repository. */
  setLifecycleMarks(registryKey: string, repositoryName: string, marks: Map<string, string> | undefined): void {
    if (marks) this.lifecycleMarks.set(imageKey(registryKey, repositoryName), marks);
    else this.lifecycleMarks.delete(imageKey(registryKey, repositoryName));
    this.changed.fire(this.nodes.get(repositoryNodeId(registryKey, repositoryName)));
  }

  findNode(id: string): ExplorerNode | undefined {
    return this.nodes.get(id);
  }

  registryNodeFor(registryKey: string): RegistryNode | undefined {
    const connection = this.connection(registryKey);
    return connection ? this.registryNode(connection) : undefined;
  }

  /** The repository node, listing repository pages until it shows up (or the listing ends). */
  async findRepositoryNode(registryKey: string, repositoryName: string): Promise<RepositoryNode | undefined> {
    const connection = this.connection(registryKey);
    if (!connection) return undefined;
    const registry = this.registryNode(connection);
    for (;;) {
      await this.registryChildren(registry);
      const node = this.nodes.get(repositoryNodeId(registryKey, repositoryName));
      const listing = this.repositoryListing(registryKey);
      if (node?.kind === 'repository' && listing.items.some((repository) => repository.name === repositoryName)) return node;
      if (!listing.nextToken || listing.error) return undefined;
      await this.loadRepositoryPage(connection);
    }
  }

  /** The tree as a person would read it: labels, descriptions, context values; for tests and benches. */
  async snapshot(expandRepositories: string[] = []): Promise<TreeSnapshotEntry[]> {
    const walk = async (nodes: ExplorerNode[]): Promise<TreeSnapshotEntry[]> =>
      Promise.all(
        nodes.map(async (node) => {
          const expand =
            node.kind === 'registry' ||
            node.kind === 'untagged' ||
            (node.kind === 'repository' && (expandRepositories.includes(node.repository.name) || expandRepositories.includes('*')));
          // Children first: listing them updates the parent's own row (e.g. "12 repositories").
          const children = expand ? await walk(await this.getChildren(node)) : undefined;
          const item = toTreeItem(node);
          const entry: TreeSnapshotEntry = {
            kind: node.kind,
            label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
            description: typeof item.description === 'string' ? item.description : undefined,
            contextValue: item.contextValue,
          };
          if (children) entry.children = children;
          return entry;
        }),
      );
    return walk(await this.getChildren());
  }

  // ---- children -------------------------------------------------------------------------------

  private async registryChildren(registry: RegistryNode): Promise<ExplorerNode[]> {
    const connection = this.connection(registry.registryKey);
    if (!connection) return [];
    const listing = this.repositoryListing(connection.key);
    if (!listing.started) await this.withViewProgress(this.loadRepositoryPage(connection));
    this.updateRegistrySummary(registry, listing, connection);
    if (listing.error && listing.items.length === 0) return [this.errorNode(registry, listing.error)];

    const filter = this.filterText;
    const children: ExplorerNode[] = [];
    for (const repository of listing.items) {
      const nameMatches = !filter || repository.name.toLowerCase().includes(filter);
      const tagMatches = Boolean(filter) && !nameMatches && this.loadedTagsMatch(connection.key, repository.name, filter);
      if (!nameMatches && !tagMatches) continue;
      const node = this.keep<RepositoryNode>({
        kind: 'repository',
        id: repositoryNodeId(connection.key, repository.name),
        parentId: registry.id,
        registryKey: connection.key,
        repository,
        registryHost: connection.registryHost(repository.uri),
        region: connection.region,
        expandForFilter: tagMatches,
      });
      children.push(node);
    }
    if (children.length === 0 && !listing.error) {
      children.push(
        this.message(
          registry,
          listing.items.length === 0 ? 'No repositories yet. Create one with the + button.' : `No repository name or loaded tag matches "${filter}".`,
          listing.items.length === 0 ? 'info' : 'filter',
        ),
      );
    }
    if (listing.nextToken) {
      children.push(this.keep<LoadMoreNode>({ kind: 'loadMore', id: `${registry.id}/more`, parentId: registry.id, registryKey: connection.key, loaded: listing.items.length, noun: 'repositories' }));
    }
    if (listing.error) children.push(this.errorNode(registry, listing.error));
    return children;
  }

  private async repositoryChildren(node: RepositoryNode): Promise<ExplorerNode[]> {
    const connection = this.connection(node.registryKey);
    if (!connection) return [];
    const key = imageKey(connection.key, node.repository.name);
    const listing = this.imageListing(key);
    if (!listing.started) await this.withViewProgress(this.loadImagePage(connection, node.repository.name));
    if (listing.error && listing.items.length === 0) return [this.errorNode(node, listing.error, node.repository.name)];

    const sorted = this.sorted(key, listing);
    const filter = this.filterText;
    const showAll = !filter || node.repository.name.toLowerCase().includes(filter);
    const children: ExplorerNode[] = [];
    for (const { tag, image } of sorted.tagged) {
      if (!showAll && !tag.toLowerCase().includes(filter)) continue;
      children.push(this.imageNode(node, connection, image, tag));
    }
    if (showAll && sorted.untagged.length > 0) {
      children.push(
        this.keep<UntaggedGroupNode>({
          kind: 'untagged',
          id: `${node.id}/untagged`,
          parentId: node.id,
          registryKey: node.registryKey,
          repositoryName: node.repository.name,
          count: sorted.untagged.length,
        }),
      );
    }
    if (children.length === 0 && !listing.error) {
      children.push(this.message(node, listing.items.length === 0 ? 'No images yet. Push one with ECR: Build and Push Image…' : `No tag matches "${filter}" in the loaded images.`));
    }
    if (listing.nextToken) {
      children.push(
        this.keep<LoadMoreNode>({
          kind: 'loadMore',
          id: `${node.id}/more`,
          parentId: node.id,
          registryKey: node.registryKey,
          repositoryName: node.repository.name,
          loaded: listing.items.length,
          noun: 'images',
        }),
      );
    }
    if (listing.error) children.push(this.errorNode(node, listing.error, node.repository.name));
    return children;
  }

  private untaggedChildren(group: UntaggedGroupNode): ExplorerNode[] {
    const connection = this.connection(group.registryKey);
    const repository = this.nodes.get(group.parentId ?? '');
    if (!connection || repository?.kind !== 'repository') return [];
    const key = imageKey(group.registryKey, group.repositoryName);
    const listing = this.imageListing(key);
    return this.sorted(key, listing).untagged.map((image) => this.imageNode(repository, connection, image, undefined, group.id));
  }

  // ---- loading --------------------------------------------------------------------------------

  private loadRepositoryPage(connection: Connection): Promise<void> {
    const listing = this.repositoryListing(connection.key);
    return this.loadPage(listing, connection, async (startToken) => {
      const { repositoryPages } = await import('../../core/ecr/listing');
      const client = await connection.client();
      const page = await repositoryPages(client, { registryId: connection.config.accountId, pageSize: connection.pageSize, startToken }).next();
      const value = page.value ?? { items: [] };
      connection.learnAccount(value.items[0]?.registryId);
      return value;
    });
  }

  private loadImagePage(connection: Connection, repositoryName: string): Promise<void> {
    const listing = this.imageListing(imageKey(connection.key, repositoryName));
    return this.loadPage(listing, connection, async (startToken) => {
      const { imagePages } = await import('../../core/ecr/listing');
      const client = await connection.client();
      const page = await imagePages(client, repositoryName, { registryId: connection.config.accountId, pageSize: connection.pageSize, startToken }).next();
      return page.value ?? { items: [] };
    });
  }

  private loadPage<T>(listing: Listing<T>, connection: Connection, fetchPage: (token: string | undefined) => Promise<Page<T>>): Promise<void> {
    listing.pending ??= (async () => {
      const started = performance.now();
      try {
        const page = await fetchPage(listing.started ? listing.nextToken : undefined);
        listing.items.push(...page.items);
        listing.nextToken = page.nextToken;
        listing.error = undefined;
        this.logger.debug(`${connection.label}: page of ${page.items.length} in ${(performance.now() - started).toFixed(0)} ms`);
      } catch (error) {
        listing.error = this.classify(error, connection);
        this.logger.warn(`${connection.label}: ${listing.error.message} (${listing.error.detail})`);
      } finally {
        listing.started = true;
        listing.version++;
        listing.pending = undefined;
      }
    })();
    return listing.pending;
  }

  private withViewProgress<T>(work: Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => work));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private repositoryListing(registryKey: string): Listing<RepositorySummary> {
    let listing = this.repositoryListings.get(registryKey);
    if (!listing) this.repositoryListings.set(registryKey, (listing = new Listing()));
    return listing;
  }

  private imageListing(key: string): Listing<ImageSummary> {
    let listing = this.imageListings.get(key);
    if (!listing) this.imageListings.set(key, (listing = new Listing()));
    return listing;
  }

  private sorted(key: string, listing: Listing<ImageSummary>): SortedImages {
    const cached = this.sortedImages.get(key);
    if (cached && cached.version === listing.version) return cached;
    const sorted = { version: listing.version, ...tagEntries(listing.items) };
    this.sortedImages.set(key, sorted);
    return sorted;
  }

  private loadedTagsMatch(registryKey: string, repositoryName: string, filter: string): boolean {
    const images = this.imageListings.get(imageKey(registryKey, repositoryName))?.items ?? [];
    return images.some((image) => image.tags.some((tag) => tag.toLowerCase().includes(filter)));
  }

  private registryNode(connection: Connection): RegistryNode {
    return this.keep<RegistryNode>({
      kind: 'registry',
      id: registryNodeId(connection.key),
      registryKey: connection.key,
      label: connection.label,
      region: connection.region,
      accountId: connection.accountId,
      profile: connection.config.profile,
      credentialsFile: connection.config.credentialsFile,
      summary: (this.nodes.get(registryNodeId(connection.key)) as RegistryNode | undefined)?.summary,
    });
  }

  private updateRegistrySummary(registry: RegistryNode, listing: Listing<RepositorySummary>, connection: Connection): void {
    const summary = listing.error && listing.items.length === 0
      ? undefined
      : `${listing.items.length.toLocaleString('en-US')}${listing.nextToken ? '+' : ''} repositor${listing.items.length === 1 && !listing.nextToken ? 'y' : 'ies'}`;
    if (summary !== registry.summary || registry.accountId !== connection.accountId) {
      registry.summary = summary;
      registry.accountId = connection.accountId;
      // The registry's own row (description) changed; refresh it after this call returns.
      setTimeout(() => this.changed.fire(registry), 0);
    }
  }

  private imageNode(repository: RepositoryNode, connection: Connection, image: ImageSummary, tag: string | undefined, parentId = repository.id): ImageNode {
    return this.keep<ImageNode>({
      kind: 'image',
      id: `${repository.id}/${tag ? `tag/${tag}` : `digest/${image.digest}`}`,
      parentId,
      registryKey: repository.registryKey,
      repositoryName: repository.repository.name,
      registryHost: repository.registryHost || connection.registryHost(repository.repository.uri),
      region: connection.region,
      tag,
      image,
      expiresBy: this.lifecycleMarks.get(imageKey(repository.registryKey, repository.repository.name))?.get(image.digest),
    });
  }

  private errorNode(parent: ExplorerNode, error: ClassifiedError, repositoryName?: string): ErrorNode {
    return this.keep<ErrorNode>({ kind: 'error', id: `${parent.id}/error`, parentId: parent.id, registryKey: parent.registryKey, repositoryName, error });
  }

  private message(parent: ExplorerNode, message: string, icon?: string): MessageNode {
    return this.keep<MessageNode>({ kind: 'message', id: `${parent.id}/message`, parentId: parent.id, registryKey: parent.registryKey, message, icon });
  }

  /** Returns the node already known under this id, updated in place, so its identity survives refreshes. */
  private keep<T extends ExplorerNode>(fresh: T): T {
    const existing = this.nodes.get(fresh.id);
    if (existing && existing.kind === fresh.kind) {
      for (const key of Object.keys(existing)) if (!(key in fresh)) delete (existing as unknown as Record<string, unknown>)[key];
      return Object.assign(existing, fresh) as T;
    }
    this.nodes.set(fresh.id, fresh);
    return fresh;
  }
}

export const registryNodeId = (registryKey: string) => `registry:${registryKey}`;
const isSettled = (scanStatus: string) => !/^(IN_PROGRESS|PENDING|SCAN_ELIGIBLE)$/.test(scanStatus);

export const repositoryNodeId = (registryKey: string, repositoryName: string) => `registry:${registryKey}/repo:${repositoryName}`;
const imageKey = (registryKey: string, repositoryName: string) => `${registryKey}${SEPARATOR}${repositoryName}`;
