import { compareNewestFirst, type ImageSummary } from '../ecr/listing';

/** A repository's images as the tree shows them: one row per tagged image, the untagged apart. */
export interface ImageRows {
  tagged: Array<{ tags: string[]; image: ImageSummary }>;
  untagged: ImageSummary[];
}

/**
 * An image's tags in the order its row shows them: versions before "latest", otherwise by name
 * ("0.3.6, latest"). The first is the tag the row's commands use (copy by tag, pull, check).
 */
function orderTags(tags: readonly string[]): string[] {
  return [...tags].sort((a, b) => Number(a === 'latest') - Number(b === 'latest') || (a < b ? -1 : a > b ? 1 : 0));
}

/** One entry per image (newest push first, each with all its tags), and the untagged images apart. */
export function imageRows(images: ImageSummary[]): ImageRows {
  const tagged: Array<{ tags: string[]; image: ImageSummary }> = [];
  const untagged: ImageSummary[] = [];
  for (const image of [...images].sort(compareNewestFirst)) {
    if (image.tags.length === 0) untagged.push(image);
    else tagged.push({ tags: orderTags(image.tags), image });
  }
  return { tagged, untagged };
}
