/**
 * One string object per distinct value for the fields every listed item repeats (account, repository
 * name, media type, scan status): a page parsed from JSON carries a fresh copy of each per item,
 * which at 10,000 images is thousands of identical strings kept alive by the tree.
 */
const pool = new Map<string, string>();
/** Bounded: repository names are the largest set; past this the pool starts over rather than grow. */
const MAX_POOLED = 20_000;

export function intern(value: string): string;
export function intern(value: string | undefined): string | undefined;
export function intern(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const pooled = pool.get(value);
  if (pooled !== undefined) return pooled;
  if (pool.size >= MAX_POOLED) pool.clear();
  pool.set(value, value);
  return value;
}
