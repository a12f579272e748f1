/** One page of a listing, as the API returned it. */
export interface Page<T> {
  items: T[];
  /** The token for the next page; undefined on the last page. */
  nextToken?: string;
}

/**
 * Turns a page fetcher into an async iterator of pages, so a caller can show the first page as
 * soon as it arrives and ask for the next one only when it wants it. Stops on the last page, and
 * also when a server hands back the token it was just given (which would otherwise loop forever).
 */
export async function* paginate<T>(
  fetchPage: (nextToken: string | undefined) => Promise<Page<T>>,
  options: { signal?: AbortSignal; startToken?: string } = {},
): AsyncGenerator<Page<T>, void, undefined> {
  let token = options.startToken;
  const seen = new Set<string>();
  for (;;) {
    options.signal?.throwIfAborted();
    const page = await fetchPage(token);
    yield page;
    const next = page.nextToken || undefined;
    if (!next || seen.has(next)) return;
    seen.add(next);
    token = next;
  }
}

/** ECR accepts maxResults 1-1000; anything else is clamped rather than sent to fail. */
export function clampPageSize(pageSize: number | undefined): number {
  if (!pageSize || !Number.isFinite(pageSize)) return 1000;
  return Math.min(1000, Math.max(1, Math.floor(pageSize)));
}

/** Collects every item of every page. */
export async function collectAll<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page.items);
  return all;
}
