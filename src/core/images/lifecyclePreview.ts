/**
 * The lifecycle preview, aware of indexes. What this follows, and where it stops:
 * - Amazon ECR User Guide, "Automate the cleanup of images by using lifecycle policies"
 *   (docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html), "Lifecycle policy
 *   evaluation rules": implemented as is by `evaluateLifecyclePolicy` (ecr/lifecycle.ts), over
 *   every image as the ECR API lists it (an index and each platform image and attestation are
 *   separate images there, the children untagged).
 * - Amazon ECR API Reference, ImageFailure: failureCode `ImageReferencedByManifestList`. ECR
 *   refuses to delete an image an index still lists.
 * The guide is silent on how a rule treats an index and its children: whether untagged platform
 * images count as "untagged images" for a rule while their index is tagged, whether expiring an
 * index expires its platform images, and what happens to attachments of an expired image. So the
 * preview does not guess: it keeps ECR's per-image evaluation and marks each affected image with a
 * warning saying what is undocumented.
 * Pure; the input is the listed images and the image graph (images/graph.ts).
 */
import { evaluateLifecyclePolicy, type LifecycleEvaluation, type LifecyclePolicy } from '../ecr/lifecycle';
import type { ImageSummary } from '../ecr/listing';
import { nodeName, type ImageGraph } from './graph';

export type LifecycleWarningKind = 'child-of-kept-index' | 'index-children-kept' | 'attachment-left';

export interface LifecycleWarning {
  kind: LifecycleWarningKind;
  message: string;
  /** The other image(s) involved. */
  related: string[];
}

export interface IndexAwareEvaluation extends LifecycleEvaluation {
  /** digest → warnings, only for images the documentation does not settle. */
  warnings: Map<string, LifecycleWarning[]>;
}

export function evaluateLifecycleWithIndexes(policy: LifecyclePolicy, images: ImageSummary[], graph: ImageGraph, now: Date = new Date()): IndexAwareEvaluation {
  const evaluation = evaluateLifecyclePolicy(policy, images, now);
  const expired = new Set(evaluation.expired.map((entry) => entry.image.digest));
  const warnings = new Map<string, LifecycleWarning[]>();
  const warn = (digest: string, warning: LifecycleWarning) => warnings.set(digest, [...(warnings.get(digest) ?? []), warning]);

  for (const digest of expired) {
    const node = graph.nodes.get(digest);
    if (!node) continue;
    const keptIndexes = node.referencedBy.filter((parent) => graph.nodes.get(parent)?.kind === 'index' && !expired.has(parent));
    if (keptIndexes.length) {
      warn(digest, {
        kind: 'child-of-kept-index',
        related: keptIndexes,
        message: `Listed by ${keptIndexes.map((parent) => nodeName(graph.nodes.get(parent)!)).join(', ')}, which this policy keeps. ECR refuses to delete an image an index lists (ImageReferencedByManifestList); ECR's documentation does not say whether lifecycle skips it or breaks the index.`,
      });
    }
    if (node.kind === 'index') {
      const keptChildren = [...node.children, ...node.children.flatMap((child) => child.attachments)].filter((child) => !child.missing && !expired.has(child.digest));
      if (keptChildren.length) {
        warn(digest, {
          kind: 'index-children-kept',
          related: keptChildren.map((child) => child.digest),
          message: `Its ${keptChildren.length} platform image(s) and attestation(s) are not expired by any rule; ECR's documentation does not say whether expiring an index expires them too.`,
        });
      }
    }
    const leftAttachments = node.attachments.filter((attachment) => attachment.describes === digest && !expired.has(attachment.digest) && !attachment.missing);
    if (leftAttachments.length) {
      warn(digest, {
        kind: 'attachment-left',
        related: leftAttachments.map((attachment) => attachment.digest),
        message: `${leftAttachments.length} signature(s) or other attachment(s) name it as subject; ECR's documentation does not say whether lifecycle expires them with it.`,
      });
    }
  }
  return { ...evaluation, warnings };
}
