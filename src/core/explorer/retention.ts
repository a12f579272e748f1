/**
 * When the explorer lets go of what it listed: a registry or repository row collapsed for a while
 * has its listing released (repositories and images), so a sidebar browsed for hours holds only what
 * is on screen. The next expand lists again. Expanding within the delay keeps everything.
 */
import type { ExplorerNode, RegistryNode, RepositoryNode } from './nodes';

export const RELEASE_AFTER_COLLAPSE_MS = 45_000;

/** setTimeout/clearTimeout by default; tests pass their own and fire them by hand. */
export interface RetentionTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: RetentionTimers = {
  set: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    // A pending release must not keep a process (a test, the extension host shutting down) alive.
    timer.unref?.();
    return timer;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

type ListingRow = RegistryNode | RepositoryNode;

export class CollapseRetention {
  /** Node id → when it collapsed and the timer that releases it. */
  private readonly collapsed = new Map<string, { at: number; timer: unknown }>();

  /** `release` drops the row's listing; `nodes` is the model's node map (a row released is the one held there). */
  constructor(
    private readonly release: (row: ListingRow) => void,
    private readonly nodes: { get(id: string): ExplorerNode | undefined },
    private readonly now: () => number,
    private readonly timers: RetentionTimers = realTimers,
    readonly delayMs = RELEASE_AFTER_COLLAPSE_MS,
  ) {}

  /** A person expanded or collapsed a row; only registries and repositories hold listings. */
  setExpanded(node: ExplorerNode, expanded: boolean): void {
    if (node.kind !== 'registry' && node.kind !== 'repository') return;
    if (expanded) this.cancel(node.id);
    else this.didCollapse(node.id);
  }

  /** The row collapsed: release its listing once it has stayed collapsed for the delay. */
  didCollapse(nodeId: string): void {
    this.cancel(nodeId);
    const entry = { at: this.now(), timer: undefined as unknown };
    entry.timer = this.timers.set(() => this.due(nodeId, entry), this.delayMs);
    this.collapsed.set(nodeId, entry);
  }

  /** The row expanded again (or its listing went another way): nothing to release. */
  cancel(nodeId: string): void {
    const entry = this.collapsed.get(nodeId);
    if (!entry) return;
    this.timers.clear(entry.timer);
    this.collapsed.delete(nodeId);
  }

  /** Everything pending is dropped (new registries, extension closing). */
  clear(): void {
    for (const nodeId of [...this.collapsed.keys()]) this.cancel(nodeId);
  }

  private due(nodeId: string, entry: { at: number }): void {
    if (this.collapsed.get(nodeId) !== entry) return;
    // A timer that fires early (clock changes, a suspended machine) waits for the rest.
    const remaining = entry.at + this.delayMs - this.now();
    if (remaining > 0) {
      this.collapsed.delete(nodeId);
      const again = { at: entry.at, timer: undefined as unknown };
      again.timer = this.timers.set(() => this.due(nodeId, again), remaining);
      this.collapsed.set(nodeId, again);
      return;
    }
    this.collapsed.delete(nodeId);
    const row = this.nodes.get(nodeId);
    if (row?.kind === 'registry' || row?.kind === 'repository') this.release(row);
  }
}

/**
 * Drops from `nodes` every node listed under these rows (not the rows themselves), so no node
 * keeps a released item alive. Ids are not used as prefixes: repository names contain slashes.
 */
export function forgetRowsUnder(nodes: Map<string, ExplorerNode>, rowIds: ReadonlySet<string>): void {
  const under = (node: ExplorerNode): boolean => {
    for (let parentId = node.parentId; parentId; parentId = nodes.get(parentId)?.parentId) if (rowIds.has(parentId)) return true;
    return false;
  };
  for (const id of [...nodes.keys()].filter((id) => under(nodes.get(id)!))) nodes.delete(id);
}
