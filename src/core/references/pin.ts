import type { FoundReference, Span } from './recognise';

export interface TextReplacement {
  span: Span;
  newText: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * "Pin to digest" as an edit: `repo:tag` → `repo@sha256:…` (`keepTag` false) or
 * `repo:tag@sha256:…` (`keepTag` true, the tag kept for people reading it; the registry pulls by
 * the digest); a digest already written is replaced. Only for a reference written as one string
 * (a URI, an Aqueduct `image()`); ImageSpec and Helm values have no place for a digest in their
 * own syntax, so those get undefined, as does a digest that is not `sha256:` + 64 hex.
 */
export function pinToDigest(reference: FoundReference, digest: string, keepTag: boolean): TextReplacement | undefined {
  if ((reference.form !== 'uri' && reference.form !== 'aqueduct') || !reference.repository || !DIGEST.test(digest)) return undefined;
  const { tag, digest: written, repository } = reference;
  if (written) {
    // `repo:tag@old` → `repo:tag@new` (or `repo@new`); `repo@old` → `repo@new`.
    if (tag && !keepTag) return { span: { start: tag.span.start - 1, end: written.span.end }, newText: `@${digest}` };
    return { span: written.span, newText: digest };
  }
  if (tag) {
    return keepTag ? { span: { start: tag.span.end, end: tag.span.end }, newText: `@${digest}` } : { span: { start: tag.span.start - 1, end: tag.span.end }, newText: `@${digest}` };
  }
  return { span: { start: repository.span.end, end: repository.span.end }, newText: `@${digest}` };
}
