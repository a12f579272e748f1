/**
 * What an image row says about its place among the repository's images: an index's platforms and
 * total size, what a platform image or attachment is, which index it belongs to, whether it is
 * stale. Pure: the model turns these into nodes.
 */
import type { ImageSummary } from '../ecr/listing';
import { isStale, type ImageSortBy } from '../ecr/lastPull';
import { kindLabel, nodeName, platformsOf, type ImageGraph, type ImageNode as GraphNode } from '../images/graph';
import { platformText } from '../registry/mediaTypes';
import type { ImageNode } from './nodes';

export type ImageRowFields = Pick<ImageNode, 'role' | 'platform' | 'platforms' | 'detailsPending' | 'totalBytes' | 'childCount' | 'belongsTo' | 'stale' | 'sortBy'>;

/** Platform images first (in the index's order), then attachments: what a row expands to. */
export function graphChildren(node: GraphNode | undefined): GraphNode[] {
  if (!node) return [];
  return [...node.children, ...node.attachments].filter((child) => !child.missing && child.image);
}

export function imageRowFields(
  image: ImageSummary,
  context: { graph: ImageGraph; node?: GraphNode; pendingIndexes: ReadonlySet<string>; sortBy: ImageSortBy; now: Date; child?: boolean },
): ImageRowFields {
  const { node, graph } = context;
  const fields: ImageRowFields = { sortBy: context.sortBy, stale: isStale(image, context.now) || undefined };
  if (context.pendingIndexes.has(image.digest)) fields.detailsPending = true;
  if (!node) return fields;
  if (node.kind === 'index' && node.children.length) {
    fields.platforms = platformsOf(node);
    fields.totalBytes = node.sizeBytes;
  }
  if (context.child) {
    fields.role = node.kind === 'image' && node.platform ? `${platformText(node.platform)} image` : kindLabel(node);
    if (node.platform && node.kind === 'image') fields.platform = platformText(node.platform);
  }
  const count = graphChildren(node).length;
  if (count) fields.childCount = count;
  const owners = node.referencedBy.map((digest) => graph.nodes.get(digest)).filter((owner): owner is GraphNode => Boolean(owner && !owner.missing));
  if (owners.length) fields.belongsTo = owners.map((owner) => `${kindLabel(owner)} ${nodeName(owner)}`);
  return fields;
}

/** The view filter's word for images not pulled for 90+ days. */
export const STALE_FILTER = 'stale';

/** A filter (lower case) matches an image by one of its tags, or "stale" any stale image. */
export function imageMatches(image: ImageSummary, filter: string, now: Date): boolean {
  if (image.tags.some((tag) => tag.toLowerCase().includes(filter))) return true;
  return filter === STALE_FILTER && isStale(image, now);
}
