/**
 * The lifecycle preview, aware of indexes. What this follows, and where it stops:
 * - Amazon ECR User Guide, "Automate the cleanup of images by using lifecycle policies"
 *   (docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html), "Lifecycle policy
 *   evaluation rules": implemented as is by `evaluateLifecyclePolicy` (ecr/lifecycle.ts), over
 *   every image as the ECR API lists it (an index and each platform image and attestation are
 *   separate images there, the children untagged).
 * - Amazon ECR API Reference, ImageFailure: failureCode `ImageReferencedByManifestList`. ECR
 *   refuses to delete an image an index still lists.
 * - Amazon ECR User Guide, "Archiving an image" (archive-image.html): archived images cannot be
 *   pulled; it too says nothing about indexes.
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
  // What each rule does to an image; the Archiving page says nothing about indexes either, so a
  // transition gets the same warnings as an expiry, in its own words.
  const acted = new Map([...evaluation.expired, ...evaluation.transitioned].map((entry) => [entry.image.digest, entry.action]));
  const warnings = new Map<string, LifecycleWarning[]>();
  const warn = (digest: string, warning: LifecycleWarning) => warnings.set(digest, [...(warnings.get(digest) ?? []), warning]);
  // Another image is "left behind" when no rule does the same to it.
  const leftBehind = (digest: string, action: 'expire' | 'transition') => acted.get(digest) !== action;

  for (const [digest, action] of acted) {
    const node = graph.nodes.get(digest);
    if (!node) continue;
    const keptIndexes = node.referencedBy.filter((parent) => graph.nodes.get(parent)?.kind === 'index' && leftBehind(parent, action));
    if (keptIndexes.length) {
      const indexes = keptIndexes.map((parent) => nodeName(graph.nodes.get(parent)!)).join(', ');
      warn(digest, {
        kind: 'child-of-kept-index',
        related: keptIndexes,
        message:
          action === 'expire'
            ? `Listed by ${indexes}, which this policy keeps. ECR refuses to delete an image an index lists (ImageReferencedByManifestList); ECR's documentation does not say whether lifecycle skips it or breaks the index.`
            : `Listed by ${indexes}, which stays in standard storage. ECR's documentation does not say whether lifecycle archives an image an index lists.`,
      });
    }
    if (node.kind === 'index') {
      const keptChildren = [...node.children, ...node.children.flatMap((child) => child.attachments)].filter((child) => !child.missing && leftBehind(child.digest, action));
      if (keptChildren.length) {
        warn(digest, {
          kind: 'index-children-kept',
          related: keptChildren.map((child) => child.digest),
          message: `Its ${keptChildren.length} platform image(s) and attestation(s) are not ${action === 'expire' ? 'expired' : 'archived'} by any rule; ECR's documentation does not say whether ${action === 'expire' ? 'expiring' : 'archiving'} an index ${action === 'expire' ? 'expires' : 'archives'} them too.`,
        });
      }
    }
    const leftAttachments = node.attachments.filter((attachment) => attachment.describes === digest && leftBehind(attachment.digest, action) && !attachment.missing);
    if (leftAttachments.length) {
      warn(digest, {
        kind: 'attachment-left',
        related: leftAttachments.map((attachment) => attachment.digest),
        message: `${leftAttachments.length} signature(s) or other attachment(s) name it as subject; ECR's documentation does not say whether lifecycle ${action === 'expire' ? 'expires' : 'archives'} them with it.`,
      });
    }
  }
  return { ...evaluation, warnings };
}

/**
 * The tree's marks (the model's setLifecycleMarks takes digest → text): the rule's reason, prefixed
 * for an image the preview would archive rather than delete, and the number of warnings, so the row
 * and the preview list say the same thing.
 */
const ARCHIVE_MARK = 'archive · ';

export function lifecycleMarks(evaluation: IndexAwareEvaluation): Map<string, string> {
  const marks = new Map<string, string>();
  for (const entry of [...evaluation.expired, ...evaluation.transitioned]) {
    const warnings = evaluation.warnings.get(entry.image.digest)?.length ?? 0;
    marks.set(entry.image.digest, `${entry.action === 'transition' ? ARCHIVE_MARK : ''}${entry.reason}${warnings ? ` (⚠ ${warnings} warning${warnings === 1 ? '' : 's'}: see the preview)` : ''}`);
  }
  return marks;
}

/** What a mark means: archived or expired, and why (the mark without its prefix). */
export function readLifecycleMark(mark: string): { action: 'expire' | 'transition'; reason: string } {
  return mark.startsWith(ARCHIVE_MARK) ? { action: 'transition', reason: mark.slice(ARCHIVE_MARK.length) } : { action: 'expire', reason: mark };
}
