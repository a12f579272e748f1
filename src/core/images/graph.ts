/**
 * Images as they really are: from the images DescribeImages lists (one per digest) and their
 * manifests, which belong together. An index (OCI index or Docker manifest list) owns its platform
 * images and BuildKit's attestation manifests (platform unknown/unknown, annotated
 * `vnd.docker.reference.type: attestation-manifest`, `vnd.docker.reference.digest: <image>`);
 * any manifest naming another as `subject` (signatures, SBOMs, other OCI artifacts), cosign's
 * tag-scheme attachments (`sha256-<hex>.sig|.att|.sbom`) and what the OCI 1.1 referrers fallback tag
 * (`sha256-<hex>`, no suffix: an image index listing the referrers,
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#referrers-tag-schema)
 * lists are attachments of the image they name; the fallback index itself is a "referrers index"
 * under that image, never a multi-platform image.
 * Only images nothing references are "untagged" in the sense the explorer shows.
 * Pure: no registry or AWS calls.
 */
import {
  ATTESTATION_MANIFEST,
  isIndexType,
  platformText,
  REFERENCE_DIGEST,
  REFERENCE_TYPE,
  type Manifest,
  type Platform,
} from '../registry/mediaTypes';

/** The fields of an ECR image this needs (a subset of ImageSummary). */
export interface ListedImage {
  digest: string;
  tags: string[];
  sizeBytes?: number;
  mediaType?: string;
  artifactMediaType?: string;
  pushedAt?: Date;
}

export type NodeKind = 'index' | 'image' | 'attestation' | 'signature' | 'sbom' | 'artifact' | 'referrers';

export interface ImageNode {
  digest: string;
  kind: NodeKind;
  /** The listed image; undefined for a child the index names but ECR does not list (missing). */
  image?: ListedImage;
  tags: string[];
  /** From the index that names it (platform images and attestations). */
  platform?: Platform;
  /** Own size: layers of an image (ECR's imageSizeInBytes); for an index, the sum of its platform images. */
  sizeBytes: number;
  /** Platform images of an index, in the index's order. */
  children: ImageNode[];
  /** Attestations, signatures, SBOMs and other artifacts attached to this node. */
  attachments: ImageNode[];
  /** Digests of the indexes listing this node, and of the images it is attached to. */
  referencedBy: string[];
  /** Digests of the indexes (and referrers indexes) whose `manifests` list this node: those keep it, a subject does not. */
  listedBy: string[];
  /** For an attachment: the digest it describes. */
  describes?: string;
  /** Set when the manifest is listed by an index but not in the repository (a broken index). */
  missing?: boolean;
}

export interface ImageGraph {
  /** Tagged images and indexes, and untagged ones nothing references: what the tree lists. */
  roots: ImageNode[];
  /** Untagged, unreferenced images (the explorer's "Untagged" group), a subset of roots. */
  untagged: ImageNode[];
  nodes: Map<string, ImageNode>;
}

const SIGNATURE_TYPES = [/cosign\.artifact\.sig/, /notary\.signature/, /\.sig\b/, /signature/, /sigstore\.bundle/, /simplesigning/];
const SBOM_TYPES = [/spdx/, /cyclonedx/, /sbom/, /syft/];
const COSIGN_TAG = /^sha256-([0-9a-f]{64})\.(sig|att|sbom)$/;
const FALLBACK_TAG = /^sha256-([0-9a-f]{64})$/;
const ATTACHMENT_TAG = /^sha256-[0-9a-f]{64}(?:\.(?:sig|att|sbom))?$/;

/** What kind of attachment a manifest is, from its artifactType, config media type or layers. */
export function attachmentKind(manifest: Manifest | undefined, listed?: ListedImage): NodeKind {
  return attachmentKindOf([manifest?.artifactType, manifest?.config?.mediaType, listed?.artifactMediaType, ...(manifest?.layers ?? []).map((layer) => layer.mediaType)]);
}

function attachmentKindOf(candidates: Array<string | undefined>): NodeKind {
  const types = candidates
    .filter((type): type is string => Boolean(type))
    .map((type) => type.toLowerCase());
  if (types.some((type) => SIGNATURE_TYPES.some((pattern) => pattern.test(type)))) return 'signature';
  if (types.some((type) => SBOM_TYPES.some((pattern) => pattern.test(type)))) return 'sbom';
  if (types.some((type) => /in-toto|attestation|provenance/.test(type))) return 'attestation';
  return 'artifact';
}

export function buildImageGraph(images: ListedImage[], manifests: ReadonlyMap<string, Manifest>): ImageGraph {
  const nodes = new Map<string, ImageNode>();
  for (const image of images) {
    const manifest = manifests.get(image.digest);
    const mediaType = image.mediaType ?? manifest?.mediaType;
    const isIndex = isIndexType(mediaType) || Array.isArray(manifest?.manifests);
    nodes.set(image.digest, {
      digest: image.digest,
      kind: isIndex ? 'index' : 'image',
      image,
      tags: [...image.tags],
      sizeBytes: image.sizeBytes ?? sumLayers(manifest),
      children: [],
      attachments: [],
      referencedBy: [],
      listedBy: [],
    });
  }

  for (const image of images) {
    const manifest = manifests.get(image.digest);
    const self = nodes.get(image.digest)!;
    const fallback = image.tags.map((tag) => FALLBACK_TAG.exec(tag)).find(Boolean);
    const fallbackSubject = fallback && self.kind === 'index' ? nodes.get(`sha256:${fallback[1]}`) : undefined;
    if (fallbackSubject) {
      linkReferrersIndex(nodes, manifests, self, fallbackSubject, manifest);
    } else if (self.kind === 'index') {
      linkIndex(nodes, self, manifest);
    }
    const subject = manifest?.subject?.digest;
    if (subject) {
      self.kind = attachmentKind(manifest, image);
      self.describes = subject;
      const target = nodeOf(nodes, subject);
      attach(target, self);
      refer(self, subject);
    }
    for (const tag of image.tags) {
      const cosign = COSIGN_TAG.exec(tag);
      if (!cosign) continue;
      const target = nodes.get(`sha256:${cosign[1]}`);
      if (!target) continue;
      // cosign's .sig is a signature; its .att an attestation (a DSSE envelope); its .sbom an SBOM.
      self.kind = cosign[2] === 'sig' ? 'signature' : cosign[2] === 'sbom' ? 'sbom' : 'attestation';
      self.describes = target.digest;
      attach(target, self);
      refer(self, target.digest);
    }
  }
  for (const self of nodes.values()) {
    if (self.kind === 'index') self.sizeBytes = self.children.reduce((sum, child) => sum + child.sizeBytes, 0);
  }
  const roots = [...nodes.values()].filter((candidate) => !candidate.missing && (candidate.tags.length > 0 || candidate.referencedBy.length === 0));
  // Tag-scheme attachments are tagged but still belong under their image.
  const shown = roots.filter((candidate) => !(candidate.describes && candidate.tags.every((tag) => ATTACHMENT_TAG.test(tag))));
  return { roots: shown, untagged: shown.filter((candidate) => candidate.tags.length === 0), nodes };
}

/** The node of a digest; a placeholder (missing: true) for one the listing does not have. */
function nodeOf(nodes: Map<string, ImageNode>, digest: string): ImageNode {
  let found = nodes.get(digest);
  if (!found) {
    found = { digest, kind: 'image', tags: [], sizeBytes: 0, children: [], attachments: [], referencedBy: [], listedBy: [], missing: true };
    nodes.set(digest, found);
  }
  return found;
}

function refer(child: ImageNode, parent: string): void {
  if (!child.referencedBy.includes(parent)) child.referencedBy.push(parent);
}

function attach(target: ImageNode, attachment: ImageNode): void {
  if (!target.attachments.includes(attachment)) target.attachments.push(attachment);
}

/** A referrers index (the fallback tag): its referrers become attachments of the subject it describes. */
function linkReferrersIndex(nodes: Map<string, ImageNode>, manifests: ReadonlyMap<string, Manifest>, self: ImageNode, fallbackSubject: ImageNode, manifest: Manifest | undefined): void {
  // The referrers fallback tag: an index of the subject's referrers, not a multi-platform image.
  self.kind = 'referrers';
  self.describes = fallbackSubject.digest;
  attach(fallbackSubject, self);
  refer(self, fallbackSubject.digest);
  for (const descriptor of manifest?.manifests ?? []) {
    const referrer = nodeOf(nodes, descriptor.digest);
    refer(referrer, self.digest);
    if (!referrer.listedBy.includes(self.digest)) referrer.listedBy.push(self.digest);
    if (referrer.kind === 'image' || referrer.kind === 'artifact') referrer.kind = attachmentKindOf([descriptor.artifactType, manifests.get(descriptor.digest)?.artifactType, manifests.get(descriptor.digest)?.config?.mediaType]);
    referrer.describes ??= fallbackSubject.digest;
    attach(fallbackSubject, referrer);
    refer(referrer, fallbackSubject.digest);
  }
}

/** A multi-platform index: its platform images are children; its attestation manifests attach to the image they describe. */
function linkIndex(nodes: Map<string, ImageNode>, self: ImageNode, manifest: Manifest | undefined): void {
  for (const descriptor of manifest?.manifests ?? []) {
    const child = nodeOf(nodes, descriptor.digest);
    refer(child, self.digest);
    if (!child.listedBy.includes(self.digest)) child.listedBy.push(self.digest);
    const annotations = descriptor.annotations ?? {};
    if (annotations[REFERENCE_TYPE] === ATTESTATION_MANIFEST) {
      child.kind = 'attestation';
      child.platform = descriptor.platform;
      const described = annotations[REFERENCE_DIGEST];
      child.describes = described;
      // The attestation belongs to the platform image it describes (which this index lists).
      attach(described && nodes.has(described) ? nodes.get(described)! : self, child);
      if (described && nodes.has(described)) refer(child, described);
    } else {
      child.platform = descriptor.platform;
      if (!self.children.includes(child)) self.children.push(child);
    }
  }
}

function sumLayers(manifest: Manifest | undefined): number {
  return (manifest?.layers ?? []).reduce((sum, layer) => sum + (layer.size || 0), 0);
}

/** "linux/amd64, linux/arm64" for an index row; the platform for an image. */
export function platformsOf(node: ImageNode): string {
  if (node.kind === 'index') return node.children.map((child) => platformText(child.platform)).join(', ');
  return node.platform ? platformText(node.platform) : '';
}

/** What an attachment is called in the tree and in delete plans. */
export function kindLabel(node: ImageNode): string {
  switch (node.kind) {
    case 'index':
      return 'image index';
    case 'attestation':
      return 'attestation manifest';
    case 'signature':
      return 'signature';
    case 'sbom':
      return 'SBOM';
    case 'artifact':
      return 'artifact';
    case 'referrers':
      return 'referrers index (fallback tag)';
    default:
      return node.platform ? `${platformText(node.platform)} image` : 'image';
  }
}

/** Names an index or image for messages: its first tag, else its short digest. */
export function nodeName(node: ImageNode): string {
  return node.tags[0] ? `${node.tags[0]} (${shortDigest(node.digest)})` : shortDigest(node.digest);
}

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}
