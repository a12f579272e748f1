import type { ClassifiedError } from '../ecr/errors';
import type { ImageSummary, RepositorySummary } from '../ecr/listing';
import type { ImageSortBy } from '../ecr/lastPull';
import type { ImageGraph } from '../images/graph';
import { imageRows, type ImageRow } from './imageRows';
import { graphChildren, imageMatches, imageRowFields } from './imageNodes';
import { loadIndexManifests } from './manifests';
import { ExplorerListings, imageKey, type ImageListing } from './listings';
import { ManifestCache } from '../images/manifestCache';
import { loadPage, repositorySummaryText, type PageLoading } from './pagedListing';
import { NodeStore } from './nodeStore';
import { RowMarks } from './rowMarks';
import { KeyedLimiter } from '../ecr/limiter';
import { CollapseRetention, type RetentionTimers } from './retention';
import { ScanChecks } from './scanChecks';
import { ecrSource, type ExplorerRegistry, type ExplorerSource } from './source';
import type { Logger } from '../log';
import type { RegistryGroups } from './registryGroups';
import {
  registryNodeId,
  repositoryNodeId,
  type ArchivedGroupNode,
  type ExplorerNode,
  type ImageNode,
  type LoadMoreNode,
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
  /** Pull-through cache rules and creation templates, shown under each registry (registryGroups.ts). */
  groups?: RegistryGroups;
  /** Timers of the release-on-collapse (retention.ts); real ones by default. */
  timers?: RetentionTimers;
  /** Manifests by digest, across sessions (images/manifestCache.ts): each is read from a registry once per machine. */
  manifestCache?: ManifestCache;
}

export { SCAN_RECHECK_MS } from './scanChecks';

const byName = (a: RepositorySummary, b: RepositorySummary) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The explorer's data, without VS Code: registries > repositories > images, listed a page at a
 * time and only when a node expands; the filter; lifecycle-preview marks; when to ask for scan
 * status; and node identity (one object per node id, so a single row can be refreshed).
 * Listeners hear which node changed (undefined: the whole tree).
 */
export class ExplorerModel {
  private registryList: ExplorerRegistry[] = [];
  private readonly nodes = new NodeStore();
  /** Repositories, images and index manifests listed so far (listings.ts). */
  private readonly listings = new ExplorerListings();
  /** Lifecycle preview marks and restore status shown on image rows. */
  private readonly marks: RowMarks;
  private readonly scanChecks: ScanChecks;
  /** At most a few ECR calls in flight per registry, however many rows expand at once. */
  private readonly limiter = new KeyedLimiter();
  private readonly retention: CollapseRetention;
  private readonly pageLoading: PageLoading;
  private sortBy: ImageSortBy = 'pushed';
  private readonly listeners = new Set<(node: ExplorerNode | undefined) => void>();
  private filterText = '';
  /** Node ids of repository and index rows a person expanded, kept expanded across filter changes and redraws. */
  private readonly expanded = new Set<string>();
  private readonly source: ExplorerSource;
  private readonly manifestCache: ManifestCache;
  private readonly now: () => number;

  constructor(private readonly options: ExplorerModelOptions) {
    this.source = options.source ?? ecrSource;
    this.manifestCache = options.manifestCache ?? new ManifestCache();
    this.now = options.now ?? Date.now;
    options.groups?.attach({ registry: (key) => this.registry(key), changed: (node) => this.changed(node) });
    this.marks = new RowMarks(this.nodes, (node) => this.changed(node));
    this.scanChecks = new ScanChecks(this.source, options.logger, this.now);
    this.pageLoading = { classify: options.classify, logger: options.logger, now: this.now };
    // A row left collapsed lets go of its listing and rows under it; the next expand lists again.
    this.retention = new CollapseRetention((row) => {
      this.nodes.forgetUnder(new Set([row.id]));
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
    this.options.groups?.clear();
    this.nodes.clear();
    this.listings.clear();
    this.marks.clear();
    this.scanChecks.clear();
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

  /** Repository names and tags of loaded images that contain the text (case-insensitive), "stale" images not pulled for 90+ days; empty shows all. */
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
   * A person expanded or collapsed a repository or index row. Remembered, so the row stays as it was
   * when the filter changes or the repository redraws (the view would otherwise use its default state).
   */
  setExpanded(node: ExplorerNode, expanded: boolean): void {
    this.retention.setExpanded(node, expanded);
    // VS Code asks for expanded rows' children one row at a time: listing starts here, so rows expanded together load side by side.
    if (expanded) void this.startListing(node);
    if (node.kind !== 'repository' && node.kind !== 'image') return;
    if (expanded) this.expanded.add(node.id);
    else this.expanded.delete(node.id);
    node.expanded = expanded || undefined;
  }

  parent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parentId ? (this.nodes.get(node.parentId) ?? this.options.groups?.node(node.parentId)) : undefined;
  }

  /** True while `node` is the object the model holds for its id (a stale one is not refreshed). */
  isCurrent(node: ExplorerNode): boolean {
    return this.nodes.get(node.id) === node;
  }

  async children(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) return this.registryList.map((registry) => this.registryNode(registry));
    switch (node.kind) {
      case 'registry':
        return [...(this.options.groups?.groupNodes(node) ?? []), ...(await this.registryChildren(node))];
      case 'repository':
        return this.repositoryChildren(node);
      case 'untagged':
      case 'archived':
        return this.groupChildren(node);
      case 'image':
        return this.imageChildren(node);
      default:
        return this.options.groups?.children(node) ?? [];
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
      const listing = this.listings.repositoryListing(registryKey);
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
    const listing = node.repositoryName ? this.listings.imageListing(imageKey(registry.key, node.repositoryName)) : this.listings.repositoryListing(registry.key);
    // A stale "Load more" (clicked twice, or left from before the last page arrived) must not
    // start the listing over: without a next token it would fetch page 1 again and list it twice.
    const nextPage = () => (node.repositoryName ? this.loadImagePage(registry, node.repositoryName).then(() => false) : this.loadRepositoryPage(registry));
    const redrawn = !(listing.started && !listing.nextToken && !listing.pending) && (await this.track(nextPage()));
    // A registry row redrawn with its new count has its rows redrawn too: again would resend them all, 200 ms later.
    if (!redrawn) this.changed(parent);
  }

  /** Drops what was listed (everything, one registry, or one repository's images); lists again on demand. */
  refresh(registryKey?: string, repositoryName?: string): void {
    if (!repositoryName) this.options.groups?.refresh(registryKey);
    if (!registryKey) {
      this.listings.forgetListings();
      this.changed(undefined);
      return;
    }
    const listing = this.listings.existingRepositoryListing(registryKey);
    if (repositoryName && listing?.items.some((repository) => repository.name === repositoryName)) {
      this.listings.forgetImages(registryKey, repositoryName);
      this.changed(this.nodes.get(repositoryNodeId(registryKey, repositoryName)));
      return;
    }
    this.listings.forgetRegistry(registryKey);
    this.changed(this.nodes.get(registryNodeId(registryKey)));
  }

  /** True when `repositoryName` is among the repositories listed so far in the registry (no API call). */
  isListed(registryKey: string, repositoryName: string): boolean {
    return Boolean(this.listings.existingRepositoryListing(registryKey)?.items.some((repository) => repository.name === repositoryName));
  }

  /**
   * Rows whose relative time ("created 9 minutes ago", "3 minutes ago") changes from minute to minute
   * (within the last hour) are redrawn so it does not go stale; with `all`, every row with a time
   * (hourly, for "2 hours ago"). Returns how many rows were redrawn.
   */
  refreshAges(options: { all?: boolean } = {}): number {
    const now = this.now();
    const recent = (date: Date | undefined) => date !== undefined && now - date.getTime() < 60 * 60_000;
    let redrawn = 0;
    for (const node of this.nodes.values()) {
      const times = node.kind === 'image' ? [node.image.pushedAt, node.image.lastPulledAt] : node.kind === 'repository' ? [node.repository.createdAt] : [];
      if (times.some((date) => (options.all ? date !== undefined : recent(date)))) {
        this.changed(node);
        redrawn++;
      }
    }
    return redrawn;
  }

  /** Repositories and tags listed so far, archived images left out (no API call). */
  knownImages(): Array<{ registryHost: string; repository: string; tags: string[] }> {
    return this.listings.knownImages(this.registryList);
  }

  // ---- marks and row updates ------------------------------------------------------------------

  /** Marks the images a lifecycle preview would expire (digest → reason; undefined clears) and redraws the repository. */
  setLifecycleMarks(registryKey: string, repositoryName: string, marks: Map<string, string> | undefined): void {
    this.marks.setLifecycleMarks(imageKey(registryKey, repositoryName), marks);
    this.changed(this.nodes.get(repositoryNodeId(registryKey, repositoryName)));
  }

  /** A repository setting changed (tag mutability, scan on push): update its row without listing anything. */
  updateRepository(registryKey: string, repositoryName: string, change: Partial<Pick<RepositorySummary, 'tagMutability' | 'tagMutabilityExclusionFilters' | 'scanOnPush'>>): void {
    const listed = this.listings.existingRepositoryListing(registryKey)?.items.find((repository) => repository.name === repositoryName);
    if (listed) Object.assign(listed, change);
    const node = this.nodes.get(repositoryNodeId(registryKey, repositoryName));
    if (node?.kind === 'repository') {
      Object.assign(node.repository, change);
      this.changed(node);
    }
  }

  /** New scan status or counts for an image (a scan started, findings read): every row of that digest redraws. */
  updateScan(registryKey: string, repositoryName: string, digest: string, status: string | undefined, counts?: Record<string, number>): void {
    this.scanChecks.forget(digest);
    this.marks.setScan(registryKey, repositoryName, digest, status, counts);
  }

  /** Before an image's tooltip shows: asks ECR for scan counts when needed; the delay after which to rebuild the row, or undefined. */
  resolveScanStatus(node: ImageNode): Promise<number | undefined> {
    return this.scanChecks.resolve(node, this.registry(node.registryKey));
  }

  // ---- children -------------------------------------------------------------------------------

  private async registryChildren(node: RegistryNode): Promise<ExplorerNode[]> {
    const registry = this.registry(node.registryKey);
    if (!registry) return [];
    const listing = this.listings.repositoryListing(registry.key);
    if (!listing.started) await this.track(this.loadRepositoryPage(registry));
    if (listing.error && listing.items.length === 0) return [this.nodes.error(node, listing.error)];

    const filter = this.filterText;
    const children: ExplorerNode[] = [];
    // Listed by name, whatever order ECR returns them in (it returns them by creation).
    for (const repository of [...listing.items].sort(byName)) {
      const nameMatches = !filter || repository.name.toLowerCase().includes(filter);
      const tagMatches = Boolean(filter) && !nameMatches && this.loadedTagsMatch(registry.key, repository.name, filter);
      if (!nameMatches && !tagMatches) continue;
      const expanded = this.expanded.has(repositoryNodeId(registry.key, repository.name));
      children.push(this.nodes.repository(node, registry, repository, { expandForFilter: tagMatches, expanded }));
    }
    if (children.length === 0 && !listing.error) {
      children.push(
        listing.items.length === 0
          ? this.nodes.message(node, 'No repositories yet. Create one with the + button.', 'info')
          : this.nodes.message(node, `No repository name or loaded tag matches "${filter}".`, 'filter'),
      );
    }
    if (listing.nextToken) children.push(this.nodes.loadMore(node, listing.items.length, 'repositories'));
    if (listing.error) children.push(this.nodes.error(node, listing.error));
    return children;
  }

  private async repositoryChildren(node: RepositoryNode): Promise<ExplorerNode[]> {
    const registry = this.registry(node.registryKey);
    if (!registry) return [];
    const name = node.repository.name;
    const listing = this.listings.imageListing(imageKey(registry.key, name));
    if (!listing.started) await this.track(this.loadImagePage(registry, name));
    if (listing.error && listing.items.length === 0) return [this.nodes.error(node, listing.error, name)];

    const sorted = this.sorted(registry.key, name, listing);
    const filter = this.filterText;
    const showAll = !filter || name.toLowerCase().includes(filter);
    const now = new Date(this.now());
    const children: ExplorerNode[] = [];
    for (const row of sorted.tagged) {
      if (showAll || imageMatches(row.image, filter, now)) children.push(this.imageNode(node, row, sorted.graph));
    }
    const group = { parentId: node.id, registryKey: node.registryKey, repositoryName: name };
    if (showAll && sorted.untagged.length > 0) children.push(this.nodes.keep<UntaggedGroupNode>({ kind: 'untagged', id: `${node.id}/untagged`, ...group, count: sorted.untagged.length }));
    if (showAll && sorted.archived.length > 0) children.push(this.nodes.keep<ArchivedGroupNode>({ kind: 'archived', id: `${node.id}/archived`, ...group, count: sorted.archived.length }));
    // Rows first; the indexes' platforms and children fill in when their manifests arrive.
    this.loadManifests(registry, node, listing);
    if (children.length === 0 && !listing.error) {
      children.push(this.nodes.message(node, listing.items.length === 0 ? 'No images yet. Push one with ECR: Build and Push Image…' : `No tag matches "${filter}" in the loaded images.`));
    }
    if (listing.nextToken) children.push(this.nodes.loadMore(node, listing.items.length, 'images', name));
    if (listing.error) children.push(this.nodes.error(node, listing.error, name));
    return children;
  }

  private groupChildren(group: UntaggedGroupNode | ArchivedGroupNode): ExplorerNode[] {
    const repository = this.nodes.get(group.parentId ?? '');
    if (!this.registry(group.registryKey) || repository?.kind !== 'repository') return [];
    const sorted = this.sorted(group.registryKey, group.repositoryName, this.listings.imageListing(imageKey(group.registryKey, group.repositoryName)));
    if (group.kind === 'untagged') return sorted.untagged.map((row) => this.imageNode(repository, row, sorted.graph, group.id));
    return sorted.archived.map((image) => this.imageNode(repository, { tags: image.tags, image }, sorted.graph, group.id));
  }

  /** An index's platform images and attachments, an image's attachments. */
  private imageChildren(node: ImageNode): ExplorerNode[] {
    const repository = this.nodes.get(repositoryNodeId(node.registryKey, node.repositoryName));
    if (!node.childCount || repository?.kind !== 'repository') return [];
    const sorted = this.sorted(node.registryKey, node.repositoryName, this.listings.imageListing(imageKey(node.registryKey, node.repositoryName)));
    return graphChildren(sorted.graph.nodes.get(node.image.digest)).map((child) =>
      this.imageNode(repository, { tags: child.tags, image: child.image as ImageSummary, graph: child }, sorted.graph, node.id),
    );
  }

  // ---- image graph, sort order, restores --------------------------------------------------------

  /** ecr.images.sortBy: image rows by last push (default) or last pull, and what their descriptions say. */
  setSortBy(sortBy: ImageSortBy): void {
    if (sortBy === this.sortBy) return;
    this.sortBy = sortBy;
    this.changed(undefined);
  }

  /** The repository's images as a graph (which index owns what), every page listed and every index manifest read first. */
  async imageGraph(registryKey: string, repositoryName: string): Promise<ImageGraph | undefined> {
    const registry = this.registry(registryKey);
    const repository = await this.findRepositoryNode(registryKey, repositoryName);
    if (!registry || !repository) return undefined;
    const listing = this.listings.imageListing(imageKey(registryKey, repositoryName));
    while (!listing.started || (listing.nextToken && !listing.error)) await this.loadImagePage(registry, repositoryName);
    if (listing.error) throw new Error(`${listing.error.message} (${listing.error.detail})`);
    await this.loadManifests(registry, repository, listing);
    return this.sorted(registryKey, repositoryName, listing).graph;
  }

  /** A restore from the archive started, moved on or ended (undefined clears the row's status). */
  setRestoreStatus(registryKey: string, repositoryName: string, digest: string, status: string | undefined): void {
    this.marks.setRestoreStatus(imageKey(registryKey, repositoryName), registryKey, repositoryName, digest, status);
  }

  /** A listed image by tag or digest (no API call): what pull and build-from check before starting. */
  listedImage(registryKey: string, repositoryName: string, reference: { tag?: string; digest?: string }): ImageSummary | undefined {
    return this.listings.existingImageListing(imageKey(registryKey, repositoryName))?.items.find((image) => (reference.digest ? image.digest === reference.digest : reference.tag !== undefined && image.tags.includes(reference.tag)));
  }

  private loadManifests(registry: ExplorerRegistry, repository: RepositoryNode, listing: ImageListing): Promise<void> {
    const key = imageKey(registry.key, repository.repository.name);
    return loadIndexManifests(this.listings.manifestsOf(key), this.source, registry, repository.repository.name, listing.items, this.options.logger, this.manifestCache).then((changed) => {
      if (changed && this.listings.existingImageListing(key) === listing) this.changed(repository);
    });
  }

  // ---- loading --------------------------------------------------------------------------------

  private async loadRepositoryPage(registry: ExplorerRegistry): Promise<boolean> {
    const listing = this.listings.repositoryListing(registry.key);
    await loadPage(listing, registry, this.pageLoading, async (token) => {
      const page = await this.limiter.run(registry.key, () => this.source.repositoryPage(registry, token));
      registry.learnAccount(page.items[0]?.registryId);
      return page;
    });
    // The registry's own row says how many repositories are listed (and the account, once learnt): true when redrawn.
    const node = this.nodes.get(registryNodeId(registry.key));
    if (node?.kind === 'registry' && (node.summary !== this.repositorySummary(registry.key) || node.accountId !== registry.accountId)) {
      this.changed(this.registryNode(registry));
      return true;
    }
    return false;
  }

  private loadImagePage(registry: ExplorerRegistry, repositoryName: string): Promise<void> {
    return loadPage(this.listings.imageListing(imageKey(registry.key, repositoryName)), registry, this.pageLoading, (token) =>
      this.limiter.run(registry.key, () => this.source.imagePage(registry, repositoryName, token)),
    );
  }

  private startListing(node: ExplorerNode): Promise<unknown> | undefined {
    const registry = this.registry(node.registryKey);
    if (node.kind === 'registry' && registry && !this.listings.repositoryListing(registry.key).started) return this.track(this.loadRepositoryPage(registry));
    if (node.kind !== 'repository' || !registry || this.listings.imageListing(imageKey(registry.key, node.repository.name)).started) return undefined;
    return this.track(this.loadImagePage(registry, node.repository.name));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    return this.options.track ? this.options.track(work) : work;
  }

  // ---- nodes ----------------------------------------------------------------------------------

  private sorted(registryKey: string, repositoryName: string, listing: ImageListing): NonNullable<ImageListing['sorted']> {
    const manifests = this.listings.existingManifests(imageKey(registryKey, repositoryName));
    const key = `${listing.version}/${this.sortBy}/${manifests?.manifests.size ?? 0}/${manifests?.failed.size ?? 0}`;
    if (listing.sorted?.key !== key) listing.sorted = { key, ...imageRows(listing.items, { sortBy: this.sortBy, manifests: manifests?.manifests }) };
    return listing.sorted;
  }

  private loadedTagsMatch(registryKey: string, repositoryName: string, filter: string): boolean {
    const images = this.listings.existingImageListing(imageKey(registryKey, repositoryName))?.items ?? [];
    const now = new Date(this.now());
    return images.some((image) => imageMatches(image, filter, now));
  }

  private registryNode(registry: ExplorerRegistry): RegistryNode {
    return this.nodes.registry(registry, this.repositorySummary(registry.key));
  }

  /** The registry row's count: repositories listed, or, while filtered, how many of them the filter shows. */
  private repositorySummary(registryKey: string): string | undefined {
    const listing = this.listings.existingRepositoryListing(registryKey);
    const filter = this.filterText;
    if (!filter || !listing) return repositorySummaryText(listing);
    const shown = listing.items.filter(
      (repository) => repository.name.toLowerCase().includes(filter) || this.loadedTagsMatch(registryKey, repository.name, filter),
    ).length;
    return repositorySummaryText(listing, shown);
  }

  private imageNode(repository: RepositoryNode, { image, tags, graph: graphNode }: ImageRow, graph: ImageGraph, parentId = repository.id): ImageNode {
    const key = imageKey(repository.registryKey, repository.repository.name);
    const pendingIndexes = this.source.manifest ? this.listings.manifestsOf(key).missingIndexes([image]) : new Set<string>();
    const child = parentId !== repository.id && !parentId.endsWith('/untagged') && !parentId.endsWith('/archived');
    // One row per image (by digest), whatever tags it carries; untagged ones sit under their group, children under their index.
    const id = child ? `${parentId}/${image.digest}` : `${repository.id}/${tags.length ? 'image' : 'digest'}/${image.digest}`;
    return this.nodes.keep<ImageNode>({
      kind: 'image',
      id,
      expanded: this.expanded.has(id) || undefined,
      parentId,
      registryKey: repository.registryKey,
      repositoryName: repository.repository.name,
      registryHost: repository.registryHost,
      region: repository.region,
      tag: tags[0],
      tags,
      image,
      expiresBy: this.marks.lifecycleMark(key, image.digest),
      restoreStatus: this.marks.restoreStatus(key, image.digest),
      ...imageRowFields(image, { graph, node: graphNode, pendingIndexes, sortBy: this.sortBy, now: new Date(this.now()), child }),
    });
  }
}
