/**
 * ECR's side of a push, decided before building: which of the tags ECR would refuse to move
 * (tag immutability, https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html:
 * IMMUTABLE refuses every existing tag; the `_WITH_EXCLUSION` modes decide tag by tag with wildcard
 * filters), asked of the repository gate, with the words the task prints.
 */
import type { RepositoryGate, RepositoryState } from './ecrRepository';
import { modeHasExclusions, tagIsImmutable } from './tagMutability';

export interface PushDecision {
  /** Lines worth printing: which filter decided a tag. */
  notes: string[];
  /** Why ECR would refuse the push (some immutable tags already exist), or undefined when it would not. */
  refused?: string;
}

/** Asks the gate which of the tags ECR would refuse to overwrite, and says why. */
export async function decideTags(gate: RepositoryGate, repository: string, state: RepositoryState, tags: string[]): Promise<PushDecision> {
  const mutability = state.tagMutability;
  const decisions = mutability && modeHasExclusions(mutability.mode) ? tags.map((tag) => ({ tag, decision: tagIsImmutable(mutability, tag) })) : undefined;
  const notes = (decisions ?? []).filter(({ decision }) => decision.filter).map(({ decision }) => `Tag mutability: ${decision.reason}.`);
  const guarded = decisions ? decisions.filter(({ decision }) => decision.immutable).map(({ tag }) => tag) : state.immutable ? tags : [];
  if (!guarded.length) return { notes };
  const taken = await gate.existingTags(repository, guarded);
  if (!taken.length) return { notes };
  const quoted = taken.map((tag) => `"${tag}"`).join(', ');
  if (decisions) {
    const why = decisions.filter(({ tag }) => taken.includes(tag)).map(({ decision }) => decision.reason);
    return {
      notes,
      refused: `Tag(s) ${quoted} already exist in ${repository} and are immutable there: ${why.join('; ')}. ECR refuses to overwrite them. Push under a new tag, or change the repository's exclusion filters.`,
    };
  }
  return { notes, refused: `Tag(s) ${quoted} already exist in ${repository}, whose tags are immutable: ECR refuses to overwrite them. Push under a new tag, or make the repository's tags mutable.` };
}
