/**
 * Last pulls: DescribeImages' lastRecordedPullTime (ECR refreshes it at least once every 24 hours, so
 * it is a day-accurate figure, not an exact one). Pure helpers for the `ecr.images.sortBy` setting
 * (pushed | pulled), a "not pulled for 90+ days" marker and a "stale" filter.
 */
import type { ImageSummary } from './listing';

export type ImageSortBy = 'pushed' | 'pulled';
export const STALE_AFTER_DAYS = 90;
const DAY_MS = 24 * 3600_000;

/** The time an image sorts by; never pulled sorts as oldest (-Infinity), before any real pull. */
export function sortTime(image: Pick<ImageSummary, 'pushedAt' | 'lastPulledAt'>, by: ImageSortBy): number {
  const value = by === 'pulled' ? image.lastPulledAt : image.pushedAt;
  return value?.getTime() ?? -Infinity;
}

/** Newest first by push or by last pull; ties by push time, then digest, so the order is stable. */
export function compareImagesBy(by: ImageSortBy) {
  return (a: ImageSummary, b: ImageSummary): number => {
    const first = sortTime(b, by) - sortTime(a, by);
    if (first !== 0 && !Number.isNaN(first)) return first;
    const pushed = sortTime(b, 'pushed') - sortTime(a, 'pushed');
    if (pushed !== 0 && !Number.isNaN(pushed)) return pushed;
    return a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0;
  };
}

/**
 * Not pulled for `days` or more: pulled that long ago, or never pulled and pushed that long ago
 * (a fresh push that nobody pulled yet is not stale). Without a push time nothing can be said: false.
 */
export function isStale(image: Pick<ImageSummary, 'pushedAt' | 'lastPulledAt'>, now: Date = new Date(), days = STALE_AFTER_DAYS): boolean {
  const since = image.lastPulledAt ?? image.pushedAt;
  return since !== undefined && now.getTime() - since.getTime() >= days * DAY_MS;
}

/** The description text's time part: "pulled 3 days ago" / "never pulled" or the push. */
export function lastActivity(image: Pick<ImageSummary, 'pushedAt' | 'lastPulledAt'>, by: ImageSortBy): { label: 'pushed' | 'pulled' | 'never pulled'; at?: Date } {
  if (by === 'pushed') return { label: 'pushed', at: image.pushedAt };
  return image.lastPulledAt ? { label: 'pulled', at: image.lastPulledAt } : { label: 'never pulled' };
}

/**
 * The hover's last-pull line. ECR records pulls late and coarsely: lastRecordedPullTime is refreshed
 * "at least once every 24 hours", so it "may not be the exact time" of the last pull (ECR API
 * Reference, ImageDetail.lastRecordedPullTime); the line says so.
 */
export function lastPullText(at: Date | undefined, when: (date: Date) => string): string {
  return at
    ? `Last recorded pull: ${when(at)}. ECR updates this at least once every 24 hours, so a pull may show up to a day late.`
    : 'Last recorded pull: none. ECR updates this at least once every 24 hours, so a pull in the last day may not show yet.';
}
