/**
 * ECR lifecycle policies: parse and check a policy, build the common ones, and evaluate which
 * images a policy would expire, following AWS's documented semantics:
 * - rules are evaluated by ascending rulePriority; an image is expired by one rule or none;
 * - an image that matches the tagging requirements (tagStatus + tag lists) of a higher-priority rule
 *   cannot be expired by a lower-priority rule;
 * - a rule never marks an image a higher-priority rule marked, but still counts it ("identifies
 *   them as if they haven't been expired"), so imageCountMoreThan keeps the newest N of everything
 *   it matches;
 * - a tagPrefixList / tagPatternList matches when every entry matches one of the image's tags;
 * - expiry is ordered by push time, oldest first.
 * Pure: no AWS calls, so the preview runs over listed images and is tested in plain Node.
 */
import type { ImageSummary } from './listing';

export type TagStatus = 'tagged' | 'untagged' | 'any';
export type CountType = 'imageCountMoreThan' | 'sinceImagePushed';

export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: TagStatus;
    tagPrefixList?: string[];
    tagPatternList?: string[];
    countType: CountType;
    countUnit?: 'days';
    countNumber: number;
  };
  action: { type: 'expire' };
}

export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

/** What the preview reports for one expired image. */
export interface ExpiredImage {
  image: ImageSummary;
  rulePriority: number;
  /** Why, in words: "rule 1: keep the last 5 tagged images with tags prod*". */
  reason: string;
}

export interface LifecycleEvaluation {
  expired: ExpiredImage[];
  /** Images no rule expires. */
  kept: ImageSummary[];
}

const DAY_MS = 24 * 3600_000;

/** Parses policy text (as GetLifecyclePolicy returns it, or as a user typed it); throws a message saying what is wrong. */
export function parseLifecyclePolicy(text: string): LifecyclePolicy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`The lifecycle policy is not valid JSON: ${(error as Error).message}`);
  }
  const problems = lifecyclePolicyProblems(value);
  if (problems.length) throw new Error(`The lifecycle policy is not valid: ${problems.join(' ')}`);
  return value as LifecyclePolicy;
}

/** Every problem ECR would reject the policy for (or that the preview cannot evaluate), as sentences. */
export function lifecyclePolicyProblems(value: unknown): string[] {
  const problems: string[] = [];
  const rules = (value as { rules?: unknown })?.rules;
  if (!value || typeof value !== 'object' || !Array.isArray(rules)) return ['It needs a "rules" array.'];
  if (rules.length === 0) problems.push('It needs at least one rule.');
  const priorities = new Set<number>();
  let untaggedRules = 0;
  let anyRulePriority: number | undefined;
  let highestPriority = -Infinity;
  rules.forEach((raw, index) => {
    const rule = raw as Partial<LifecycleRule>;
    const name = `Rule ${typeof rule?.rulePriority === 'number' ? rule.rulePriority : `#${index + 1}`}`;
    if (!rule || typeof rule !== 'object') return void problems.push(`${name} is not an object.`);
    if (!Number.isInteger(rule.rulePriority) || (rule.rulePriority as number) < 1) problems.push(`${name}: rulePriority must be a whole number of 1 or more.`);
    else if (priorities.has(rule.rulePriority!)) problems.push(`${name}: rulePriority ${rule.rulePriority} is used twice; each rule needs its own.`);
    else priorities.add(rule.rulePriority!);
    highestPriority = Math.max(highestPriority, rule.rulePriority ?? -Infinity);
    if (rule.action?.type !== 'expire') problems.push(`${name}: action.type must be "expire" (the preview evaluates expire rules only).`);
    const selection = rule.selection;
    if (!selection || typeof selection !== 'object') return void problems.push(`${name} needs a "selection".`);
    const hasTagLists = Boolean(selection.tagPrefixList?.length || selection.tagPatternList?.length);
    switch (selection.tagStatus) {
      case 'tagged':
        if (!hasTagLists) problems.push(`${name}: a "tagged" rule needs a tagPrefixList or tagPatternList.`);
        if (selection.tagPrefixList?.length && selection.tagPatternList?.length) problems.push(`${name}: use tagPrefixList or tagPatternList, not both.`);
        break;
      case 'untagged':
        untaggedRules++;
        if (hasTagLists) problems.push(`${name}: an "untagged" rule cannot have tag lists.`);
        break;
      case 'any':
        anyRulePriority = rule.rulePriority;
        if (hasTagLists) problems.push(`${name}: an "any" rule cannot have tag lists.`);
        break;
      default:
        problems.push(`${name}: tagStatus must be "tagged", "untagged" or "any".`);
    }
    for (const pattern of selection.tagPatternList ?? []) {
      if ((pattern.match(/\*/g) ?? []).length > 4) problems.push(`${name}: the tag pattern "${pattern}" has more than 4 wildcards (*).`);
    }
    if (!Number.isInteger(selection.countNumber) || (selection.countNumber as number) < 1) problems.push(`${name}: countNumber must be a whole number of 1 or more.`);
    if (selection.countType === 'sinceImagePushed') {
      if (selection.countUnit !== 'days') problems.push(`${name}: a sinceImagePushed rule needs countUnit "days".`);
    } else if (selection.countType === 'imageCountMoreThan') {
      if (selection.countUnit !== undefined) problems.push(`${name}: an imageCountMoreThan rule takes no countUnit.`);
    } else {
      problems.push(`${name}: countType must be "imageCountMoreThan" or "sinceImagePushed" (the preview evaluates these two).`);
    }
  });
  if (untaggedRules > 1) problems.push('Only one rule may select untagged images.');
  if (anyRulePriority !== undefined && anyRulePriority < highestPriority) {
    problems.push(`The "any" rule (priority ${anyRulePriority}) must have the highest rulePriority, so it is evaluated last.`);
  }
  return problems;
}

/** `*` matches any run of characters; everything else literally; the whole tag must match. */
export function tagPatternMatches(pattern: string, tag: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(tag);
}

/** Whether an image meets a rule's tagging requirements (tagStatus and tag lists). */
export function matchesTagging(rule: LifecycleRule, image: ImageSummary): boolean {
  const { tagStatus, tagPrefixList, tagPatternList } = rule.selection;
  if (tagStatus === 'any') return true;
  if (tagStatus === 'untagged') return image.tags.length === 0;
  if (image.tags.length === 0) return false;
  if (tagPrefixList?.length) return tagPrefixList.every((prefix) => image.tags.some((tag) => tag.startsWith(prefix)));
  if (tagPatternList?.length) return tagPatternList.every((pattern) => image.tags.some((tag) => tagPatternMatches(pattern, tag)));
  return false;
}

const pushedTime = (image: ImageSummary) => image.pushedAt?.getTime() ?? -Infinity;

/** Which images the policy would expire, and by which rule. */
export function evaluateLifecyclePolicy(policy: LifecyclePolicy, images: ImageSummary[], now: Date = new Date()): LifecycleEvaluation {
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  // Newest first; ties by digest so the result does not depend on listing order.
  const newestFirst = [...images].sort((a, b) => pushedTime(b) - pushedTime(a) || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  const expiredBy = new Map<string, ExpiredImage>();
  const protectedDigests = new Set<string>();
  for (const rule of rules) {
    const matched = newestFirst.filter((image) => matchesTagging(rule, image));
    const candidates =
      rule.selection.countType === 'imageCountMoreThan'
        ? matched.slice(rule.selection.countNumber)
        : matched.filter((image) => image.pushedAt && now.getTime() - image.pushedAt.getTime() > rule.selection.countNumber * DAY_MS);
    for (const image of candidates) {
      if (expiredBy.has(image.digest) || protectedDigests.has(image.digest)) continue;
      expiredBy.set(image.digest, { image, rulePriority: rule.rulePriority, reason: describeRule(rule) });
    }
    // Whatever this rule's tagging requirements matched is out of reach of lower-priority rules.
    for (const image of matched) protectedDigests.add(image.digest);
  }
  const expired = [...expiredBy.values()].sort((a, b) => pushedTime(a.image) - pushedTime(b.image));
  return { expired, kept: newestFirst.filter((image) => !expiredBy.has(image.digest)) };
}

/** A rule in words, as the preview and the builder show it. */
export function describeRule(rule: LifecycleRule): string {
  const { tagStatus, tagPrefixList, tagPatternList, countType, countNumber } = rule.selection;
  const images = countNumber === 1 && countType === 'imageCountMoreThan' ? 'image' : 'images';
  const which =
    tagStatus === 'untagged'
      ? `untagged ${images}`
      : tagStatus === 'any'
        ? images
        : `${images} tagged ${tagPrefixList?.length ? tagPrefixList.map((prefix) => `${prefix}…`).join(' + ') : (tagPatternList ?? []).join(' + ')}`;
  const what =
    countType === 'imageCountMoreThan'
      ? `keep the last ${countNumber} ${which}`
      : `expire ${which} older than ${countNumber} day${countNumber === 1 ? '' : 's'}`;
  return `rule ${rule.rulePriority}: ${what}`;
}

/** The guided builder's choices, as Pulumi's maximumNumberOfImages / maximumAgeLimit put them. */
export interface LifecycleRuleChoice {
  kind: 'keepLast' | 'expireOlderThan';
  tagStatus: TagStatus;
  /** "keepLast": images to keep; "expireOlderThan": days. */
  count: number;
  tagPrefixList?: string[];
  tagPatternList?: string[];
  description?: string;
}

/** A policy from builder choices: priorities 1, 2, … in order, with an "any" rule moved last. */
export function buildLifecyclePolicy(choices: LifecycleRuleChoice[]): LifecyclePolicy {
  const ordered = [...choices.filter((choice) => choice.tagStatus !== 'any'), ...choices.filter((choice) => choice.tagStatus === 'any')];
  const rules = ordered.map((choice, index): LifecycleRule => {
    const selection: LifecycleRule['selection'] = { tagStatus: choice.tagStatus, countType: 'imageCountMoreThan', countNumber: choice.count };
    if (choice.tagStatus === 'tagged') {
      if (choice.tagPatternList?.length) selection.tagPatternList = [...choice.tagPatternList];
      else selection.tagPrefixList = [...(choice.tagPrefixList ?? [])];
    }
    if (choice.kind === 'expireOlderThan') Object.assign(selection, { countType: 'sinceImagePushed', countUnit: 'days', countNumber: choice.count });
    const rule: LifecycleRule = { rulePriority: index + 1, selection, action: { type: 'expire' } };
    rule.description = choice.description ?? describeRule(rule).replace(/^rule \d+: /, '').replace(/^./, (first) => first.toUpperCase());
    // Key order as in AWS's examples: rulePriority, description, selection, action.
    return { rulePriority: rule.rulePriority, description: rule.description, selection: rule.selection, action: rule.action };
  });
  const policy = { rules };
  const problems = lifecyclePolicyProblems(policy);
  if (problems.length) throw new Error(problems.join(' '));
  return policy;
}

/** Policy text as ECR stores it, indented for an editor. */
export const formatLifecyclePolicy = (policy: LifecyclePolicy | string) =>
  JSON.stringify(typeof policy === 'string' ? JSON.parse(policy) : policy, null, 2);
