import type { ClassifiedError } from '../ecr/errors';
import type { Page } from '../ecr/pagination';
import type { Logger } from '../log';
import type { ExplorerRegistry } from './source';

/** A listing that grows a page at a time ("Load more"), with the error of its last page, if any. */
export class Listing<T, Derived = never> {
  items: T[] = [];
  nextToken: string | undefined;
  started = false;
  error: ClassifiedError | undefined;
  pending: Promise<void> | undefined;
  /** Bumped on every change, so derived data (sorted rows) can be cached. */
  version = 0;
  sorted: Derived | undefined;
}

export interface PageLoading {
  classify(error: unknown, registry: ExplorerRegistry): ClassifiedError;
  logger: Logger;
  now(): number;
}

/** Fetches the listing's next page (or its first); one at a time: a second call shares the first. */
export function loadPage<T, D>(listing: Listing<T, D>, registry: ExplorerRegistry, loading: PageLoading, fetchPage: (token: string | undefined) => Promise<Page<T>>): Promise<void> {
  listing.pending ??= (async () => {
    const started = loading.now();
    try {
      const page = await fetchPage(listing.started ? listing.nextToken : undefined);
      listing.items.push(...page.items);
      listing.nextToken = page.nextToken;
      listing.error = undefined;
      loading.logger.debug(`${registry.label}: page of ${page.items.length} in ${(loading.now() - started).toFixed(0)} ms`);
    } catch (error) {
      listing.error = loading.classify(error, registry);
      loading.logger.warn(`${registry.label}: ${listing.error.message} (${listing.error.detail})`);
    } finally {
      listing.started = true;
      listing.version++;
      listing.pending = undefined;
    }
  })();
  return listing.pending;
}

/** "12 repositories", "1,000+ repositories"; undefined before the first page, or when it failed. */
export function repositorySummaryText(listing: Listing<unknown, unknown> | undefined, shown?: number): string | undefined {
  if (!listing?.started || (listing.error && listing.items.length === 0)) return undefined;
  const count = listing.items.length;
  const total = `${count.toLocaleString('en-US')}${listing.nextToken ? '+' : ''}`;
  // Filtered: the row counts what the filter shows under it, out of what is listed.
  if (shown !== undefined) return `${shown.toLocaleString('en-US')} of ${total} repositories shown`;
  return `${total} repositor${count === 1 && !listing.nextToken ? 'y' : 'ies'}`;
}
