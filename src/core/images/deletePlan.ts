/**
 * Deletes that lose nothing by surprise. Given the image graph and what the user selected:
 * - an image an index references (a platform image, an attestation) is refused, naming the index,
 *   unless every index referencing it is deleted too;
 * - deleting an index (or an image) offers its platform images and attachments, with sizes; with
 *   `cascade` they are deleted too, except those another surviving index still references;
 * - a selection of many is planned as a whole (selecting an index and its children is fine);
 * - an attachment (signature, attestation, SBOM) goes on its own: the image it names does not keep
 *   it (only an index that lists it does), and deleting it never breaks that image; the referrers
 *   fallback-tag index that lists it goes with the last referrer it lists, and is rewritten without
 *   it when other referrers stay (`rewrites`: a new index under the same tag, then the old one,
 *   untagged by then, is deleted before the referrer).
 * The steps are ordered for BatchDeleteImage: referencing manifests first (indexes, then images,
 * then what they referenced), since ECR refuses to delete a manifest an index still lists
 * (failure code ImageReferencedByManifestList). Pure.
 */
import { kindLabel, nodeName, platformsOf, type ImageGraph, type ImageNode } from './graph';

export interface PlannedImage {
  digest: string;
  /** "image index", "linux/arm64 image", "attestation manifest", "signature"… */
  kind: string;
  tags: string[];
  sizeBytes: number;
  /** For what comes with another: the digest of the index or image it belongs to. */
  belongsTo?: string;
}

export interface RefusedImage {
  digest: string;
  /** Names the index(es) and says what to do. */
  reason: string;
  /** Digests of the indexes (or images) that keep it. */
  referencedBy: string[];
}

/**
 * A referrers fallback-tag index rewritten without the referrers being deleted, before any delete:
 * the OCI distribution spec v1.1 ("Deleting Manifests",
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#deleting-manifests):
 * when deleting a manifest with a `subject` and the referrers API is absent, clients SHOULD pull the
 * referrers list with the referrers tag schema, remove the descriptor of the deleted manifest from
 * its `manifests`, and push the updated list under the same tag; "clients MAY also delete the
 * referrers tag" once nothing is left (here: the index goes with the last referrer it lists).
 * The spec deletes first and rewrites after; ECR refuses to delete a manifest an index still
 * lists (ImageReferencedByManifestList), so the rewrite comes first here, then the old index
 * (untagged once the tag names the new one), then the referrers.
 */
export interface PlannedRewrite {
  /** The fallback tag, `sha256-<hex of the subject>`. */
  tag: string;
  /** The image the referrers describe. */
  subject: string;
  /** The index the tag names now; deleted after the rewrite. */
  index: string;
  /** Referrers left out of the new index (they are deleted). */
  removes: string[];
  /** Referrers the new index still lists. */
  keeps: PlannedImage[];
}

export interface DeletePlan {
  /** Fallback-tag indexes to rewrite before the first delete. */
  rewrites: PlannedRewrite[];
  /** Everything the plan deletes, selection first. */
  deletes: PlannedImage[];
  /** Platform images and attachments that come with the selection (what the modal lists); deleted only with cascade. */
  offered: PlannedImage[];
  /** Selected images that cannot go without their index. */
  refused: RefusedImage[];
  /** Children kept because another index, not deleted, still lists them. */
  keptShared: RefusedImage[];
  /** BatchDeleteImage rounds, in order: each is a list of digests. */
  steps: string[][];
  totalBytes: number;
}

export function planDelete(graph: ImageGraph, selection: string[], options: { cascade: boolean }): DeletePlan {
  const selected = new Set(selection);
  const refused: RefusedImage[] = [];
  const offered = new Map<string, PlannedImage>();
  const keptShared: RefusedImage[] = [];

  // What comes along with each selected node, recursively (an index's children's attachments too).
  const dependants = (root: ImageNode, into: Map<string, ImageNode>) => {
    for (const dependant of [...root.children, ...root.attachments]) {
      if (into.has(dependant.digest) || dependant.missing) continue;
      into.set(dependant.digest, dependant);
      dependants(dependant, into);
    }
  };

  const going = new Set<string>();
  for (const digest of selection) {
    const found = graph.nodes.get(digest);
    if (found && !found.missing) going.add(digest);
  }
  const along = new Map<string, ImageNode>();
  for (const digest of going) dependants(graph.nodes.get(digest)!, along);
  for (const [digest, dependant] of along) {
    if (!selected.has(digest)) offered.set(digest, planned(dependant, owner(dependant, going)));
  }
  if (options.cascade) for (const digest of offered.keys()) going.add(digest);

  const { rewrites, withLastReferrer } = planReferrersIndexes(graph, going);
  refuseHeld(graph, going, { selected, offered, refused, keptShared });
  settleRewrites(graph, going, rewrites);
  const deletes = [...going].map((digest) => {
    const current = graph.nodes.get(digest)!;
    return offered.get(digest) ?? withLastReferrer.get(digest) ?? planned(current, undefined);
  });
  return {
    rewrites: [...rewrites.values()],
    deletes,
    offered: [...offered.values()],
    refused,
    keptShared,
    steps: orderSteps(graph, going),
    totalBytes: deletes.reduce((sum, image) => sum + image.sizeBytes, 0),
  };
}

/**
 * Adds to `going` the referrers indexes (fallback tags) whose referrers go; those whose other
 * referrers stay are planned as rewrites.
 */
function planReferrersIndexes(graph: ImageGraph, going: Set<string>): { rewrites: Map<string, PlannedRewrite>; withLastReferrer: Map<string, PlannedImage> } {
  const withLastReferrer = new Map<string, PlannedImage>();
  const rewrites = new Map<string, PlannedRewrite>();
  // A referrers index (the OCI 1.1 fallback tag) goes with the last of the referrers it lists:
  // ECR refuses to delete a manifest an index still lists (ImageReferencedByManifestList). When
  // some of what it lists stay, it is rewritten without the others (PlannedRewrite), then deleted.
  for (const digest of [...going]) {
    for (const parent of graph.nodes.get(digest)!.listedBy) {
      const holder = graph.nodes.get(parent);
      if (!holder || holder.missing || holder.kind !== 'referrers') continue;
      if (going.has(parent) && !rewrites.has(parent)) continue;
      const listed = [...graph.nodes.values()].filter((candidate) => candidate.listedBy.includes(parent) && !candidate.missing);
      if (listed.every((candidate) => going.has(candidate.digest))) {
        rewrites.delete(parent);
        going.add(parent);
        withLastReferrer.set(parent, planned(holder, holder.describes));
        continue;
      }
      const tag = holder.describes ? `sha256-${holder.describes.slice('sha256:'.length)}` : undefined;
      // Only an index the fallback tag alone names is rewritten: deleting it by digest would take any other tag with it.
      if (!tag || holder.tags.length !== 1 || holder.tags[0] !== tag) continue;
      going.add(parent);
      withLastReferrer.set(parent, { ...planned(holder, holder.describes), kind: 'old referrers index (fallback tag), replaced', tags: [] });
      rewrites.set(parent, {
        tag,
        subject: holder.describes!,
        index: parent,
        removes: listed.filter((candidate) => going.has(candidate.digest)).map((candidate) => candidate.digest),
        keeps: listed.filter((candidate) => !going.has(candidate.digest)).map((candidate) => planned(candidate, holder.describes)),
      });
    }
  }
  return { rewrites, withLastReferrer };
}

/** Takes out of `going` what a surviving index or image still references: a refusal when selected, kept when it came along. */
function refuseHeld(graph: ImageGraph, going: Set<string>, plan: { selected: Set<string>; offered: Map<string, PlannedImage>; refused: RefusedImage[]; keptShared: RefusedImage[] }): void {
  const { selected, offered, refused, keptShared } = plan;
  // Refuse (repeatedly, since a refusal can strand another) what a surviving index or image still references.
  for (let changed = true; changed; ) {
    changed = false;
    for (const digest of [...going]) {
      const current = graph.nodes.get(digest)!;
      const keepers = current.referencedBy.filter((parent) => !going.has(parent) && graph.nodes.get(parent) && !graph.nodes.get(parent)!.missing);
      // Attachments (subject) do not keep their image alive; only indexes and images they describe keep them.
      const holding = keepers.filter((parent) => holds(graph.nodes.get(parent)!, current));
      if (holding.length === 0) continue;
      going.delete(digest);
      changed = true;
      const names = holding.map((parent) => nodeName(graph.nodes.get(parent)!)).join(', ');
      const referrersIndex = holding.every((parent) => graph.nodes.get(parent)!.kind === 'referrers');
      if (selected.has(digest) && referrersIndex) {
        refused.push({
          digest,
          referencedBy: holding,
          reason: `${nodeName(current)} is listed in the referrers index ${names} (fallback tag) with other referrers that stay, and ECR will not delete a manifest an index lists. Delete those referrers with it.`,
        });
      } else if (selected.has(digest)) {
        refused.push({
          digest,
          referencedBy: holding,
          reason: `${nodeName(current)} is the ${kindLabel(current)} of ${names}: deleting it alone would break that image. Delete ${holding.length > 1 ? 'those indexes' : 'the index'} with it, or keep it.`,
        });
      } else {
        keptShared.push({ digest, referencedBy: holding, reason: `${nodeName(current)} is also listed by ${names}, which stays; it is kept.` });
        offered.delete(digest);
      }
    }
  }
}

/** Rewrites that still remove something after the refusals; the others are dropped with their index. */
function settleRewrites(graph: ImageGraph, going: Set<string>, rewrites: Map<string, PlannedRewrite>): void {
  for (const rewrite of rewrites.values()) {
    // A referrer refused meanwhile stays listed; with none left to remove, nothing is rewritten.
    const refusedHere = rewrite.removes.filter((digest) => !going.has(digest));
    rewrite.removes = rewrite.removes.filter((digest) => going.has(digest));
    rewrite.keeps.push(...refusedHere.map((digest) => planned(graph.nodes.get(digest)!, rewrite.subject)));
    if (rewrite.removes.length === 0) {
      rewrites.delete(rewrite.index);
      going.delete(rewrite.index);
    }
  }
}

/**
 * An index (or a referrers index) keeps what it lists alive; an image does not keep its
 * attachments (they go with it when asked), and an attachment's subject link is no listing.
 */
function holds(parent: ImageNode, child: ImageNode): boolean {
  return (parent.kind === 'index' || parent.kind === 'referrers') && child.listedBy.includes(parent.digest);
}

function owner(dependant: ImageNode, going: Set<string>): string | undefined {
  return dependant.referencedBy.find((parent) => going.has(parent)) ?? dependant.describes ?? dependant.referencedBy[0];
}

function planned(current: ImageNode, belongsTo: string | undefined): PlannedImage {
  const platform = platformsOf(current);
  return {
    digest: current.digest,
    kind: current.kind === 'image' && platform ? `${platform} image` : kindLabel(current),
    tags: current.tags,
    sizeBytes: current.sizeBytes,
    ...(belongsTo ? { belongsTo } : {}),
  };
}

/** Layers of deletion: a manifest goes in a round before anything it references. */
function orderSteps(graph: ImageGraph, going: Set<string>): string[][] {
  const depth = new Map<string, number>();
  const depthOf = (digest: string, seen = new Set<string>()): number => {
    if (depth.has(digest)) return depth.get(digest)!;
    if (seen.has(digest)) return 0;
    seen.add(digest);
    const current = graph.nodes.get(digest)!;
    const parents = current.listedBy.filter((parent) => going.has(parent));
    const value = parents.length ? Math.max(...parents.map((parent) => depthOf(parent, seen))) + 1 : 0;
    depth.set(digest, value);
    return value;
  };
  const steps: string[][] = [];
  for (const digest of going) {
    const level = depthOf(digest);
    (steps[level] ??= []).push(digest);
  }
  return steps.filter(Boolean);
}
