/** Longest filter text echoed in the view's header; a longer one is cut (the header would push the tree off screen). */
const SHOWN = 32;

/**
 * The ECR view's header line for the active filter: what it matches, the text cut to a line, and
 * where to read the count (each registry row says how many repositories the filter shows).
 */
export function filterHeader(filter: string): string | undefined {
  if (!filter) return undefined;
  if (filter === 'stale') return 'Filtered by "stale": images not pulled for 90+ days, repository names with "stale" · counts on registry rows';
  const chars = [...filter];
  const shown = chars.length > SHOWN ? `${chars.slice(0, SHOWN - 1).join('')}…" (${chars.length.toLocaleString('en-US')} characters)` : `${filter}"`;
  return `Filtered by "${shown}: names and loaded tags · counts on registry rows`;
}
