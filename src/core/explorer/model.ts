import type { ClassifiedError } from '../ecr/errors';
import type { ImageSummary, RepositorySummary } from '../ecr/listing';
import { imageRows, type ImageRows } from './imageRows';
import type { Page } from '../ecr/pagination';
import { ecrSource, type ExplorerRegistry, type ExplorerSource } from './source';
import { ScanChecks } from './scanChecks';
import { KeyedLimiter } from '../ecr/limiter';
import { CollapseRetention, forgetRowsUnder, type RetentionTimers } from './retention';
import type { Logger } from '../log';
import {
  registryNodeId,
  repositoryNodeId,
  type ErrorNode,
  type ExplorerNode,
  type ImageNode,
  type LoadMoreNode,
  type MessageNode,
  type RegistryNode,
  type RepositoryNode,
  type UntaggedGroupNode,
} from './nodes';

export interface ExplorerModelOptions {
  classify(error: unknown, registry: ExplorerRegistry): ClassifiedError;
  logger: Logger;
  source?: ExplorerSource;
  /** Wraps each page load a person waits for (the view shows a progress bar). */
  track?<T>(work: Promise<T>): Promise<T>;
  now?: () => number;
  /** Timers of the release-on-collapse (retention.ts); real ones by default. */
  timers?: RetentionTimers;
}

export { SCAN_RECHECK_MS } from './scanChecks';

/** A listing that grows a page at a time ("Load more"), with the error of its last page, if any. */
class Listing<T> {
  items: T[] = [];
  nextToken: string | undefined;
  started = false;
  error: ClassifiedError | undefined;
  pending: Promise<void> | undefined;
  /** Bumped on every change, so derived data (sorted tags) can be cached. */
  version = 0;
  sorted: ({ version: number } & ImageRows) | undefined;
}

const byName = (a: RepositorySummary, b: RepositorySummary) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const SEPARATOR = '\u0000';
const imageKey = (registryKey: string, repositoryName: string) => `${registryKey}${SEPARATOR}${repositoryName}`;

/**
 * The explorer's data, without VS Code: registries > repositories > images, listed a page at a
 * time and only when a node expands; the filter; lifecycle-preview marks; when to ask for scan
 * status; and node identity (one object per node id, so a single row can be refreshed).
 * Listeners hear which node changed (undefined: the whole tree).
 */
export class ExplorerModel {
  private registryList: ExplorerRegistry[] = [];
  private readonly nodes = new Map<string, ExplorerNode>();
  private readonly repositoryListings = new Map<string, Listing<RepositorySummary>>();
  private readonly imageListings = new Map<string, Listing<ImageSummary>>();
  /** Lifecycle preview results: digest → why it would expire, per repository. */
  private readonly lifecycleMarks = new Map<string, Map<string, string>>();
  private readonly listeners = new Set<(node: ExplorerNode | undefined) => void>();
  private filterText = '';
  /** Node ids of repositories a person expanded, kept expanded across filter changes and redraws. */
  private readonly expanded = new Set<string>();
  private readonly source: ExplorerSource;
  private readonly now: () => number;
  /** At most a few ECR calls in flight per registry, however many rows expand at once. */
  private readonly limiter = new KeyedLimiter();
  private readonly retention: CollapseRetention;
  private readonly scans: ScanChecks;

  constructor(private readonly options: ExplorerModelOptions) {
    this.source = options.source ?? ecrSource;
    this.now = options.now ?? Date.now;
    this.scans = new ScanChecks({ source: this.source, limiter: this.limiter, logger: options.logger, now: this.now });
    // A row left collapsed lets go of its listing and rows under it; the next expand lists again.
    this.retention = new CollapseRetention((row) => {
      forgetRowsUnder(this.nodes, new Set([row.id]));
      this.refresh(row.registryKey, row.kind === 'repository' ? row.repository.name : undefined);
    }, this.nodes, this.now, options.timers);
  }

  onDidChange(listener: (node: ExplorerNode | undefined) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private changed(node?: ExplorerNode): void {
    for (const listener of this.listeners) listener(node);
  }

  /** A new set of registries (settings changed): everything listed, marked or checked is forgotten. */
  setRegistries(registries: ExplorerRegistry[]): void {
    this.registryList = registries;
    this.retention.clear();
    this.nodes.clear();
    this.repositoryListings.clear();
    this.imageListings.clear();
    this.lifecycleMarks.clear();
    this.scans.clear();
    this.expanded.clear();
    this.changed(undefined);
  }

  registry(registryKey: string): ExplorerRegistry | undefined {
    return this.registryList.find((registry) => registry.key === registryKey);
  }

  // ---- filter ---------------------------------------------------------------------------------

  get filter(): string {
    return this.filterText;
  }

  /** Repository names and tags of loaded images that contain the text (case-insensitive); empty shows all. */
  setFilter(text: string): void {
    // A repository the filter opened stays open afterwards: the person was looking into it.
    for (const node of this.nodes.values()) {
      if (node.kind === 'repository' && node.expandForFilter) this.expanded.add(node.id);
    }
    this.filterText = text.trim().toLowerCase();
    this.changed(undefined);
  }

  // ---- the tree -------------------------------------------------------------------------------

  /**
   * A person expanded or collapsed a repository row. Remembered, so the row stays as it was when
   * the filter changes or clears (the view would otherwise redraw it with its default state).
   */
  setExpanded(node: ExplorerNode, expanded: boolean): void {
    this.retention.setExpanded(node, expanded);
    // VS Code asks for expanded rows' children one row at a time: listing starts here, so rows expanded together load side by side.
    if (expanded) void this.startListing(node);
    if (node.kind !== 'repository') return;
    if (expanded) this.expanded.add(node.id);
    else this.expanded.delete(node.id);
    node.expanded = expanded || undefined;
  }

  parent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parentId ? this.nodes.get(node.parentId) : undefined;
  }

  /** True while `node` is the object the model holds for its id (a stale one is not refreshed). */
  isCurrent(node: ExplorerNode): boolean {
    return this.nodes.get(node.id) === node;
  }

  async children(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) return this.registryList.map((registry) => this.registryNode(registry));
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

  registryNodeFor(registryKey: string): RegistryNode | undefined {
    const registry = this.registry(registryKey);
    return registry ? this.registryNode(registry) : undefined;
  }

  /** The repository node, listing repository pages until it shows up (or the listing ends). */
  async findRepositoryNode(registryKey: string, repositoryName: string): Promise<RepositoryNode | undefined> {
    const registry = this.registry(registryKey);
    if (!registry) return undefined;
    const registryNode = this.registryNode(registry);
    for (;;) {
      await this.registryChildren(registryNode);
      const node = this.nodes.get(repositoryNodeId(registryKey, repositoryName));
      const listing = this.repositoryListing(registryKey);
      if (node?.kind === 'repository' && listing.items.some((repository) => repository.name === repositoryName)) return node;
      if (!listing.nextToken || listing.error) return undefined;
      await this.loadRepositoryPage(registry);
    }
  }

  /** The "Load more" child of a registry or repository, while its listing has a next page. */
  async loadMoreNodeOf(parent: ExplorerNode): Promise<LoadMoreNode | undefined> {
    return (await this.children(parent)).find((node): node is LoadMoreNode => node.kind === 'loadMore');
  }

  /** Fetches the next page of the listing a "Load more" node continues. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const parent = this.parent(node);
    const registry = this.registry(node.registryKey);
    if (!parent || !registry) return;
    const listing = node.repositoryName ? this.imageListing(imageKey(registry.key, node.repositoryName)) : this.repositoryListing(registry.key);
    // A stale "Load more" (clicked twice, or left from before the last page arrived) must not
    // start the listing over: without a next token it would fetch page 1 again and list it twice.
    if (!(listing.started && !listing.nextToken && !listing.pending)) {
      await this.track(node.repositoryName ? this.loadImagePage(registry, node.repositoryName) : this.loadRepositoryPage(registry));
    }
    this.changed(parent);
  }

  /** Drops what was listed (everything, one registry, or one repository's images); lists again on demand. */
  refresh(registryKey?: string, repositoryName?: string): void {
    if (!registryKey) {
      this.repositoryListings.clear();
      this.imageListings.clear();
      this.changed(undefined);
      return;
    }
    const listing = this.repositoryListings.get(registryKey);
    if (repositoryName && listing?.items.some((repository) => repository.name === repositoryName)) {
      this.imageListings.delete(imageKey(registryKey, repositoryName));
      this.changed(this.nodes.get(repositoryNodeId(registryKey, repositoryName)));
      return;
    }
    this.repositoryListings.delete(registryKey);
    for (const key of [...this.imageListings.keys()]) {
      if (key.startsWith(registryKey + SEPARATOR)) this.imageListings.delete(key);
    }
    this.changed(this.nodes.get(registryNodeId(registryKey)));
  }

  /** True when `repositoryName` is among the repositories listed so far in the registry (no API call). */
  isListed(registryKey: string, repositoryName: string): boolean {
    return Boolean(this.repositoryListings.get(registryKey)?.items.some((repository) => repository.name === repositoryName));
  }

  /** Repositories and tags listed so far (no API call). */
  knownImages(): Array<{ registryHost: string; repository: string; tags: string[] }> {
    return this.registryList.flatMap((registry) =>
      (this.repositoryListings.get(registry.key)?.items ?? []).map((repository) => ({
        registryHost: registry.registryHost(repository.uri),
        repository: repository.name,
        tags: (this.imageListings.get(imageKey(registry.key, repository.name))?.items ?? []).flatMap((image) => image.tags),
      })),
    );
  }

  // ---- marks and row updates ------------------------------------------------------------------

  /** Marks the images a lifecycle preview would expire (digest → reason; undefined clears) and redraws the repository. */
  setLifecycleMarks(registryKey: string, repositoryName: string, marks: Map<string, string> | undefined): void {
    if (marks) this.lifecycleMarks.set(imageKey(registryKey, repositoryName), marks);
    else this.lifecycleMarks.delete(imageKey(registryKey, repositoryName));
    this.changed(this.nodes.get(repositoryNodeId(registryKey, repositoryName)));
  }

  /** A repository setting changed (tag mutability, scan on push): update its row without listing anything. */
  updateRepository(registryKey: string, repositoryName: string, change: Partial<Pick<RepositorySummary, 'tagMutability' | 'scanOnPush'>>): void {
    const listed = this.repositoryListings.get(registryKey)?.items.find((repository) => repository.name === repositoryName);
    if (listed) Object.assign(listed, change);
    const node = this.nodes.get(repositoryNodeId(registryKey, repositoryName));
    if (node?.kind === 'repository') {
      Object.assign(node.repository, change);
      this.changed(node);
    }
  }

  /** New scan status or counts for an image (a scan started, findings read): every row of that digest redraws. */
  updateScan(registryKey: string, repositoryName: string, digest: string, status: string | undefined, counts?: Record<string, number>): void {
    this.scans.forget(digest);
    for (const node of this.nodes.values()) {
      if (node.kind === 'image' && node.registryKey === registryKey && node.repositoryName === repositoryName && node.image.digest === digest) {
        node.image.scanStatus = status;
        node.image.scanFindings = counts && Object.keys(counts).length ? { ...counts } : undefined;
        this.changed(node);
      }
    }
  }

  /** Before an image's tooltip shows: its scan status, asked of ECR when the listing's may be stale (scanChecks.ts). */
  resolveScanStatus(node: ImageNode): Promise<number | undefined> {
    return this.scans.resolve(node, this.registry(node.registryKey));
  }

  // ---- children -------------------------------------------------------------------------------

  private async registryChildren(node: RegistryNode): Promise<ExplorerNode[]> {
    const registry = this.registry(node.registryKey);
    if (!registry) return [];
    const listing = this.repositoryListing(registry.key);
    if (!listing.started) await this.track(this.loadRepositoryPage(registry));
    if (listing.error && listing.items.length === 0) return [this.errorNode(node, listing.error)];

    const filter = this.filterText;
    const children: ExplorerNode[] = [];
    // Listed by name, whatever order ECR returns them in (it returns them by creation).
    for (const repository of [...listing.items].sort(byName)) {
      const nameMatches = !filter || repository.name.toLowerCase().includes(filter);
      const tagMatches = Boolean(filter) && !nameMatches && this.loadedTagsMatch(registry.key, repository.name, filter);
      if (!nameMatches && !tagMatches) continue;
      children.push(
        this.keep<RepositoryNode>({
          kind: 'repository',
          id: repositoryNodeId(registry.key, repository.name),
          parentId: node.id,
          registryKey: registry.key,
          repository,
          registryHost: registry.registryHost(repository.uri),
          region: registry.region,
          expandForFilter: tagMatches,
          expanded: this.expanded.has(repositoryNodeId(registry.key, repository.name)) || undefined,
        }),
      );
    }
    if (children.length === 0 && !listing.error) {
      children.push(
        listing.items.length === 0
          ? this.message(node, 'No repositories yet. Create one with the + button.', 'info')
          : this.message(node, `No repository name or loaded tag matches "${filter}".`, 'filter'),
      );
    }
    if (listing.nextToken) children.push(this.loadMoreNode(node, listing.items.length, 'repositories'));
    if (listing.error) children.push(this.errorNode(node, listing.error));
    return children;
  }

  private async repositoryChildren(node: RepositoryNode): Promise<ExplorerNode[]> {
    const registry = this.registry(node.registryKey);
    if (!registry) return [];
    const name = node.repository.name;
    const listing = this.imageListing(imageKey(registry.key, name));
    if (!listing.started) await this.track(this.loadImagePage(registry, name));
    if (listing.error && listing.items.length === 0) return [this.errorNode(node, listing.error, name)];

    const sorted = this.sorted(listing);
    const filter = this.filterText;
    const showAll = !filter || name.toLowerCase().includes(filter);
    const children: ExplorerNode[] = [];
    for (const { tags, image } of sorted.tagged) {
      if (showAll || tags.some((tag) => tag.toLowerCase().includes(filter))) children.push(this.imageNode(node, image, tags));
    }
    if (showAll && sorted.untagged.length > 0) {
      children.push(
        this.keep<UntaggedGroupNode>({ kind: 'untagged', id: `${node.id}/untagged`, parentId: node.id, registryKey: node.registryKey, repositoryName: name, count: sorted.untagged.length }),
      );
    }
    if (children.length === 0 && !listing.error) {
      children.push(this.message(node, listing.items.length === 0 ? 'No images yet. Push one with ECR: Build and Push Image…' : `No tag matches "${filter}" in the loaded images.`));
    }
    if (listing.nextToken) children.push(this.loadMoreNode(node, listing.items.length, 'images', name));
    if (listing.error) children.push(this.errorNode(node, listing.error, name));
    return children;
  }

  private untaggedChildren(group: UntaggedGroupNode): ExplorerNode[] {
    const repository = this.nodes.get(group.parentId ?? '');
    if (!this.registry(group.registryKey) || repository?.kind !== 'repository') return [];
    const listing = this.imageListing(imageKey(group.registryKey, group.repositoryName));
    return this.sorted(listing).untagged.map((image) => this.imageNode(repository, image, [], group.id));
  }

  // ---- loading --------------------------------------------------------------------------------

  private async loadRepositoryPage(registry: ExplorerRegistry): Promise<void> {
    const listing = this.repositoryListing(registry.key);
    await this.loadPage(listing, registry, async (token) => {
      const page = await this.source.repositoryPage(registry, token);
      registry.learnAccount(page.items[0]?.registryId);
      return page;
    });
    // The registry's own row says how many repositories are listed (and the account, once learnt).
    const node = this.nodes.get(registryNodeId(registry.key));
    if (node?.kind === 'registry' && (node.summary !== this.summaryOf(registry.key) || node.accountId !== registry.accountId)) {
      this.changed(this.registryNode(registry));
    }
  }

  private loadImagePage(registry: ExplorerRegistry, repositoryName: string): Promise<void> {
    return this.loadPage(this.imageListing(imageKey(registry.key, repositoryName)), registry, (token) => this.source.imagePage(registry, repositoryName, token));
  }

  private loadPage<T>(listing: Listing<T>, registry: ExplorerRegistry, fetchPage: (token: string | undefined) => Promise<Page<T>>): Promise<void> {
    listing.pending ??= (async () => {
      const started = this.now();
      try {
        const page = await this.limiter.run(registry.key, () => fetchPage(listing.started ? listing.nextToken : undefined));
        listing.items.push(...page.items);
        listing.nextToken = page.nextToken;
        listing.error = undefined;
        this.options.logger.debug(`${registry.label}: page of ${page.items.length} in ${(this.now() - started).toFixed(0)} ms`);
      } catch (error) {
        listing.error = this.options.classify(error, registry);
        this.options.logger.warn(`${registry.label}: ${listing.error.message} (${listing.error.detail})`);
      } finally {
        listing.started = true;
        listing.version++;
        listing.pending = undefined;
      }
    })();
    return listing.pending;
  }

  private startListing(node: ExplorerNode): Promise<void> | undefined {
    const registry = this.registry(node.registryKey);
    if (node.kind === 'registry' && registry && !this.repositoryListing(registry.key).started) return this.track(this.loadRepositoryPage(registry));
    if (node.kind !== 'repository' || !registry || this.imageListing(imageKey(registry.key, node.repository.name)).started) return undefined;
    return this.track(this.loadImagePage(registry, node.repository.name));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    return this.options.track ? this.options.track(work) : work;
  }

  // ---- nodes ----------------------------------------------------------------------------------

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

  private sorted(listing: Listing<ImageSummary>): NonNullable<Listing<ImageSummary>['sorted']> {
    if (listing.sorted?.version !== listing.version) listing.sorted = { version: listing.version, ...imageRows(listing.items) };
    return listing.sorted;
  }

  private loadedTagsMatch(registryKey: string, repositoryName: string, filter: string): boolean {
    const images = this.imageListings.get(imageKey(registryKey, repositoryName))?.items ?? [];
    return images.some((image) => image.tags.some((tag) => tag.toLowerCase().includes(filter)));
  }

  /** "12 repositories", "1,000+ repositories"; undefined before the first page, or when it failed. */
  private summaryOf(registryKey: string): string | undefined {
    const listing = this.repositoryListings.get(registryKey);
    if (!listing?.started || (listing.error && listing.items.length === 0)) return undefined;
    const count = listing.items.length;
    return `${count.toLocaleString('en-US')}${listing.nextToken ? '+' : ''} repositor${count === 1 && !listing.nextToken ? 'y' : 'ies'}`;
  }

  private registryNode(registry: ExplorerRegistry): RegistryNode {
    return this.keep<RegistryNode>({
      kind: 'registry',
      id: registryNodeId(registry.key),
      registryKey: registry.key,
      label: registry.label,
      region: registry.region,
      accountId: registry.accountId,
      profile: registry.config.profile,
      credentialsFile: registry.config.credentialsFile,
      summary: this.summaryOf(registry.key),
    });
  }

  private imageNode(repository: RepositoryNode, image: ImageSummary, tags: string[], parentId = repository.id): ImageNode {
    return this.keep<ImageNode>({
      kind: 'image',
      // One row per image (by digest), whatever tags it carries; untagged ones sit under their group.
      id: `${repository.id}/${tags.length ? 'image' : 'digest'}/${image.digest}`,
      parentId,
      registryKey: repository.registryKey,
      repositoryName: repository.repository.name,
      registryHost: repository.registryHost,
      region: repository.region,
      tag: tags[0],
      tags,
      image,
      expiresBy: this.lifecycleMarks.get(imageKey(repository.registryKey, repository.repository.name))?.get(image.digest),
    });
  }

  private loadMoreNode(parent: RegistryNode | RepositoryNode, loaded: number, noun: string, repositoryName?: string): LoadMoreNode {
    return this.keep<LoadMoreNode>({ kind: 'loadMore', id: `${parent.id}/more`, parentId: parent.id, registryKey: parent.registryKey, repositoryName, loaded, noun });
  }

  private errorNode(parent: ExplorerNode, error: ClassifiedError, repositoryName?: string): ErrorNode {
    return this.keep<ErrorNode>({ kind: 'error', id: `${parent.id}/error`, parentId: parent.id, registryKey: parent.registryKey, repositoryName, error });
  }

  private message(parent: ExplorerNode, message: string, icon?: string): MessageNode {
    return this.keep<MessageNode>({ kind: 'message', id: `${parent.id}/message`, parentId: parent.id, registryKey: parent.registryKey, message, icon });
  }

  /**
   * Identity: the node already known under this id is updated to the fresh values and returned,
   * so VS Code, which knows rows by object, can be told that exactly this row changed.
   */
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
