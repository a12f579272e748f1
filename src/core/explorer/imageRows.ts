import type { ImageSummary } from '../ecr/listing';
import { compareImagesBy, type ImageSortBy } from '../ecr/lastPull';
import { splitArchived } from '../ecr/storageClass';
import { buildImageGraph, type ImageGraph, type ImageNode as GraphNode } from '../images/graph';
import type { Manifest } from '../registry/mediaTypes';

/** One row of a repository: a tagged image or index (with its place in the graph once manifests are known). */
export interface ImageRow {
  tags: string[];
  image: ImageSummary;
  graph?: GraphNode;
}

/** A repository's images as the tree shows them: one row per tagged image or index, the unreferenced untagged and the archived apart. */
export interface ImageRows {
  tagged: ImageRow[];
  /** Untagged images nothing (known) references. */
  untagged: ImageRow[];
  /** Archived or being restored, newest archive first; never among the others. */
  archived: ImageSummary[];
  graph: ImageGraph;
}

/**
 * An image's tags in the order its row shows them: versions before "latest", otherwise by name
 * ("0.3.6, latest"). The first is the tag the row's commands use (copy by tag, pull, check).
 */
function orderTags(tags: readonly string[]): string[] {
  return [...tags].sort((a, b) => Number(a === 'latest') - Number(b === 'latest') || (a < b ? -1 : a > b ? 1 : 0));
}

const archivedTime = (image: ImageSummary) => image.lastArchivedAt?.getTime() ?? image.pushedAt?.getTime() ?? 0;

/**
 * One entry per image or index (newest push, or newest pull with sortBy "pulled", first; each with
 * all its tags); platform images, attestations and signatures an index or image owns are not rows
 * here (they are its children); untagged images nothing references and archived images apart.
 */
export function imageRows(images: ImageSummary[], options: { sortBy?: ImageSortBy; manifests?: ReadonlyMap<string, Manifest> } = {}): ImageRows {
  const { active, archived } = splitArchived(images);
  const graph = buildImageGraph(active, options.manifests ?? new Map());
  const byDigest = new Map(active.map((image) => [image.digest, image]));
  for (const node of graph.nodes.values()) {
    // An index's last pull is its platform images' latest: a pull of the tag reads one of them, while
    // reading the index alone (as this tree does, to group it) is no pull of the image.
    if (node.kind !== 'index' || !node.children.length || !byDigest.has(node.digest)) continue;
    const pulls = node.children.map((child) => (child.image as ImageSummary | undefined)?.lastPulledAt?.getTime() ?? -Infinity);
    const latest = Math.max(...pulls);
    byDigest.set(node.digest, { ...byDigest.get(node.digest)!, lastPulledAt: latest > -Infinity ? new Date(latest) : undefined });
  }
  const tagged: ImageRow[] = [];
  const untagged: ImageRow[] = [];
  const compare = compareImagesBy(options.sortBy ?? 'pushed');
  for (const root of [...graph.roots].sort((a, b) => compare(byDigest.get(a.digest)!, byDigest.get(b.digest)!))) {
    const image = byDigest.get(root.digest)!;
    if (image.tags.length === 0) untagged.push({ tags: [], image, graph: root });
    else tagged.push({ tags: orderTags(image.tags), image, graph: root });
  }
  return { tagged, untagged, archived: archived.sort((a, b) => archivedTime(b) - archivedTime(a)), graph };
}
