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
 * Since 2025 (lifecycle policy properties; archiving an image):
 * - `storageClass` (standard | archive, default standard) limits a rule to images of that class: an
 *   archived image (status ARCHIVED) is only seen by archive rules, an active one only by standard rules;
 * - `sinceImagePulled` ages an image from its last recorded pull, `sinceImageTransitioned` from when it
 *   was archived (lastArchivedAt; archive rules only, and only with it);
 * - action `transition` with `targetStorageClass: archive` moves standard images to the archive;
 *   `expire` deletes them; ECR refuses rules that delete images archived less than 90 days ago.
 * Our reading where the docs are silent (said here, tested, and in the README's known limits):
 * - an image never pulled is aged by sinceImagePulled from its push time;
 * - ACTIVATING (being restored) images count as archived until the restore completes;
 * - "only one untagged rule" and "the any rule is evaluated last" hold within one storage class.
 * Pure: no AWS calls, so the preview runs over listed images and is tested in plain Node.
 */
import { errorMessage } from '../errors';
import type { ImageSummary } from './listing';

export type TagStatus = 'tagged' | 'untagged' | 'any';
export type CountType = 'imageCountMoreThan' | 'sinceImagePushed' | 'sinceImagePulled' | 'sinceImageTransitioned';
export type LifecycleStorageClass = 'standard' | 'archive';
export type LifecycleAction = { type: 'expire' } | { type: 'transition'; targetStorageClass: 'archive' };

export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: TagStatus;
    tagPrefixList?: string[];
    tagPatternList?: string[];
    /** Which images the rule sees; standard when omitted. */
    storageClass?: LifecycleStorageClass;
    countType: CountType;
    countUnit?: 'days';
    countNumber: number;
  };
  action: LifecycleAction;
}

/** ECR keeps archived images at least this long; a rule may not delete them sooner. */
export const ARCHIVE_MINIMUM_DAYS = 90;

export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

/** What the preview reports for one image a rule acts on. */
export interface ExpiredImage {
  image: ImageSummary;
  rulePriority: number;
  /** What the rule does to it (expire: delete; transition: move to the archive). */
  action: 'expire' | 'transition';
  /** Why, in words: "rule 1: keep the last 5 tagged images with tags prod*". */
  reason: string;
}

export interface LifecycleEvaluation {
  expired: ExpiredImage[];
  /** Images a transition rule moves to the archive. */
  transitioned: ExpiredImage[];
  /** Images no rule acts on. */
  kept: ImageSummary[];
}

/** The storage class a lifecycle rule sees an image in (ACTIVATING: still archived until restored). */
export const storageClassOf = (image: Pick<ImageSummary, 'status'>): LifecycleStorageClass =>
  image.status === 'ARCHIVED' || image.status === 'ACTIVATING' ? 'archive' : 'standard';

const DAY_MS = 24 * 3600_000;

/** Parses policy text (as GetLifecyclePolicy returns it, or as a user typed it); throws a message saying what is wrong. */
export function parseLifecyclePolicy(text: string): LifecyclePolicy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`The lifecycle policy is not valid JSON: ${errorMessage(error)}`, { cause: error });
  }
  const problems = lifecyclePolicyProblems(value);
  if (problems.length) throw new Error(`The lifecycle policy is not valid: ${problems.join(' ')}`);
  return value as LifecyclePolicy;
}

/** A rule's action against its storage class. */
function actionProblems(name: string, action: { type?: unknown; targetStorageClass?: unknown } | undefined, storageClass: LifecycleStorageClass): string[] {
  const problems: string[] = [];
  if (action?.type === 'transition') {
    if (action.targetStorageClass !== 'archive') problems.push(`${name}: a "transition" action needs targetStorageClass "archive".`);
    if (storageClass === 'archive') problems.push(`${name}: a "transition" rule selects standard images; archived images can only be expired.`);
  } else if (action?.type === 'expire') {
    if (action.targetStorageClass !== undefined) problems.push(`${name}: an "expire" action takes no targetStorageClass.`);
  } else {
    problems.push(`${name}: action.type must be "expire" or "transition".`);
  }
  return problems;
}

/** A rule's countNumber, countType and countUnit, against its storage class and action. */
function countProblems(name: string, selection: LifecycleRule['selection'], storageClass: LifecycleStorageClass, actionType: unknown): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(selection.countNumber) || (selection.countNumber as number) < 1) problems.push(`${name}: countNumber must be a whole number of 1 or more.`);
  switch (selection.countType) {
    case 'sinceImagePushed':
    case 'sinceImagePulled':
    case 'sinceImageTransitioned':
      if (selection.countUnit !== 'days') problems.push(`${name}: a ${selection.countType} rule needs countUnit "days".`);
      break;
    case 'imageCountMoreThan':
      if (selection.countUnit !== undefined) problems.push(`${name}: an imageCountMoreThan rule takes no countUnit.`);
      break;
    default:
      problems.push(`${name}: countType must be "imageCountMoreThan", "sinceImagePushed", "sinceImagePulled" or "sinceImageTransitioned".`);
  }
  if (selection.countType === 'sinceImageTransitioned' && storageClass !== 'archive') {
    problems.push(`${name}: a sinceImageTransitioned rule needs storageClass "archive" (it ages images from when they were archived).`);
  }
  if (storageClass === 'archive' && selection.countType !== undefined && selection.countType !== 'sinceImageTransitioned') {
    problems.push(`${name}: a rule on archived images counts with sinceImageTransitioned; ${selection.countType} selects standard images only.`);
  }
  if (
    storageClass === 'archive' &&
    actionType === 'expire' &&
    selection.countType === 'sinceImageTransitioned' &&
    Number.isInteger(selection.countNumber) &&
    selection.countNumber < ARCHIVE_MINIMUM_DAYS
  ) {
    problems.push(`${name}: ECR keeps archived images at least ${ARCHIVE_MINIMUM_DAYS} days; expire them after ${ARCHIVE_MINIMUM_DAYS} days or more (countNumber ${selection.countNumber}).`);
  }
  return problems;
}

/** Every problem ECR would reject the policy for (or that the preview cannot evaluate), as sentences. */
export function lifecyclePolicyProblems(value: unknown): string[] {
  const problems: string[] = [];
  const rules = (value as { rules?: unknown })?.rules;
  if (!value || typeof value !== 'object' || !Array.isArray(rules)) return ['It needs a "rules" array.'];
  if (rules.length === 0) problems.push('It needs at least one rule.');
  const priorities = new Set<number>();
  const untaggedRules: Record<LifecycleStorageClass, number> = { standard: 0, archive: 0 };
  const anyRulePriority: Partial<Record<LifecycleStorageClass, number>> = {};
  const highestPriority: Record<LifecycleStorageClass, number> = { standard: -Infinity, archive: -Infinity };
  rules.forEach((raw, index) => {
    const rule = raw as Partial<LifecycleRule>;
    const name = `Rule ${typeof rule?.rulePriority === 'number' ? rule.rulePriority : `#${index + 1}`}`;
    if (!rule || typeof rule !== 'object') return void problems.push(`${name} is not an object.`);
    if (!Number.isInteger(rule.rulePriority) || (rule.rulePriority as number) < 1) problems.push(`${name}: rulePriority must be a whole number of 1 or more.`);
    else if (priorities.has(rule.rulePriority!)) problems.push(`${name}: rulePriority ${rule.rulePriority} is used twice; each rule needs its own.`);
    else priorities.add(rule.rulePriority!);
    const selection = rule.selection;
    if (!selection || typeof selection !== 'object') return void problems.push(`${name} needs a "selection".`);
    const storageClass = selection.storageClass ?? 'standard';
    if (storageClass !== 'standard' && storageClass !== 'archive') {
      problems.push(`${name}: storageClass must be "standard" or "archive".`);
      return;
    }
    highestPriority[storageClass] = Math.max(highestPriority[storageClass], rule.rulePriority ?? -Infinity);
    const action = rule.action as { type?: unknown; targetStorageClass?: unknown } | undefined;
    problems.push(...actionProblems(name, action, storageClass));
    const hasTagLists = Boolean(selection.tagPrefixList?.length || selection.tagPatternList?.length);
    switch (selection.tagStatus) {
      case 'tagged':
        if (!hasTagLists) problems.push(`${name}: a "tagged" rule needs a tagPrefixList or tagPatternList.`);
        if (selection.tagPrefixList?.length && selection.tagPatternList?.length) problems.push(`${name}: use tagPrefixList or tagPatternList, not both.`);
        break;
      case 'untagged':
        untaggedRules[storageClass]++;
        if (hasTagLists) problems.push(`${name}: an "untagged" rule cannot have tag lists.`);
        break;
      case 'any':
        anyRulePriority[storageClass] = rule.rulePriority;
        if (hasTagLists) problems.push(`${name}: an "any" rule cannot have tag lists.`);
        break;
      default:
        problems.push(`${name}: tagStatus must be "tagged", "untagged" or "any".`);
    }
    for (const pattern of selection.tagPatternList ?? []) {
      if ((pattern.match(/\*/g) ?? []).length > 4) problems.push(`${name}: the tag pattern "${pattern}" has more than 4 wildcards (*).`);
    }
    problems.push(...countProblems(name, selection, storageClass, action?.type));
  });
  for (const storageClass of ['standard', 'archive'] as const) {
    const where = storageClass === 'archive' ? ' of archived images' : '';
    if (untaggedRules[storageClass] > 1) problems.push(`Only one rule${where} may select untagged images.`);
    const anyPriority = anyRulePriority[storageClass];
    if (anyPriority !== undefined && anyPriority < highestPriority[storageClass]) {
      problems.push(`The "any" rule${where} (priority ${anyPriority}) must have the highest rulePriority${where ? ' among them' : ''}, so it is evaluated last.`);
    }
  }
  return problems;
}

/** `*` matches any run of characters; everything else literally; the whole tag must match. */
export function tagPatternMatches(pattern: string, tag: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(tag);
}

/** Whether an image meets a rule's tagging requirements (tagStatus and tag lists) in the rule's storage class. */
export function matchesTagging(rule: LifecycleRule, image: ImageSummary): boolean {
  const { tagStatus, tagPrefixList, tagPatternList } = rule.selection;
  if (storageClassOf(image) !== (rule.selection.storageClass ?? 'standard')) return false;
  if (tagStatus === 'any') return true;
  if (tagStatus === 'untagged') return image.tags.length === 0;
  if (image.tags.length === 0) return false;
  if (tagPrefixList?.length) return tagPrefixList.every((prefix) => image.tags.some((tag) => tag.startsWith(prefix)));
  if (tagPatternList?.length) return tagPatternList.every((pattern) => image.tags.some((tag) => tagPatternMatches(pattern, tag)));
  return false;
}

const pushedTime = (image: ImageSummary) => image.pushedAt?.getTime() ?? -Infinity;

/** The time a since* rule ages an image from; undefined: the rule cannot select it. */
export function agingTime(countType: CountType, image: ImageSummary): Date | undefined {
  switch (countType) {
    case 'sinceImagePushed':
      return image.pushedAt;
    case 'sinceImagePulled':
      // Never pulled: aged from its push (see the header).
      return image.lastPulledAt ?? image.pushedAt;
    case 'sinceImageTransitioned':
      return image.lastArchivedAt;
    default:
      return undefined;
  }
}

/** Which images the policy would expire or move to the archive, and by which rule. */
export function evaluateLifecyclePolicy(policy: LifecyclePolicy, images: ImageSummary[], now: Date = new Date()): LifecycleEvaluation {
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  // Newest first; ties by digest so the result does not depend on listing order.
  const newestFirst = [...images].sort((a, b) => pushedTime(b) - pushedTime(a) || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  const expiredBy = new Map<string, ExpiredImage>();
  const protectedDigests = new Set<string>();
  for (const rule of rules) {
    const matched = newestFirst.filter((image) => matchesTagging(rule, image));
    const { countType, countNumber } = rule.selection;
    const candidates =
      countType === 'imageCountMoreThan'
        ? matched.slice(countNumber)
        : matched.filter((image) => {
            const since = agingTime(countType, image);
            return since !== undefined && now.getTime() - since.getTime() > countNumber * DAY_MS;
          });
    for (const image of candidates) {
      if (expiredBy.has(image.digest) || protectedDigests.has(image.digest)) continue;
      expiredBy.set(image.digest, { image, rulePriority: rule.rulePriority, action: rule.action.type, reason: describeRule(rule) });
    }
    // Whatever this rule's tagging requirements matched is out of reach of lower-priority rules.
    for (const image of matched) protectedDigests.add(image.digest);
  }
  const acted = [...expiredBy.values()].sort((a, b) => pushedTime(a.image) - pushedTime(b.image));
  return {
    expired: acted.filter((entry) => entry.action === 'expire'),
    transitioned: acted.filter((entry) => entry.action === 'transition'),
    kept: newestFirst.filter((image) => !expiredBy.has(image.digest)),
  };
}

/** A rule in words, as the preview and the builder show it. */
export function describeRule(rule: LifecycleRule): string {
  const { tagStatus, tagPrefixList, tagPatternList, countType, countNumber } = rule.selection;
  const archived = rule.selection.storageClass === 'archive' ? 'archived ' : '';
  const images = countNumber === 1 && countType === 'imageCountMoreThan' ? 'image' : 'images';
  const which =
    tagStatus === 'untagged'
      ? `untagged ${archived}${images}`
      : tagStatus === 'any'
        ? `${archived}${images}`
        : `${archived}${images} tagged ${tagPrefixList?.length ? tagPrefixList.map((prefix) => `${prefix}…`).join(' + ') : (tagPatternList ?? []).join(' + ')}`;
  const verb = rule.action.type === 'transition' ? 'archive' : 'expire';
  const days = `${countNumber} day${countNumber === 1 ? '' : 's'}`;
  let what: string;
  switch (countType) {
    case 'imageCountMoreThan':
      what = verb === 'archive' ? `keep the last ${countNumber} ${which} in standard storage, archive the rest` : `keep the last ${countNumber} ${which}`;
      break;
    case 'sinceImagePulled':
      what = `${verb} ${which} not pulled for ${days}`;
      break;
    case 'sinceImageTransitioned':
      what = `${verb} ${which} ${days} after they were archived`;
      break;
    default:
      what = `${verb} ${which} older than ${days}`;
  }
  return `rule ${rule.rulePriority}: ${what}`;
}

/**
 * The guided builder's choices, as Pulumi's maximumNumberOfImages / maximumAgeLimit put them, and the
 * archive's two: "archive images not pulled for N days", "expire archived images after N days".
 */
export interface LifecycleRuleChoice {
  kind: 'keepLast' | 'expireOlderThan' | 'archiveNotPulledFor' | 'expireArchivedAfter';
  tagStatus: TagStatus;
  /** "keepLast": images to keep; the others: days. */
  count: number;
  tagPrefixList?: string[];
  tagPatternList?: string[];
  description?: string;
}

/**
 * A policy from builder choices: priorities 1, 2, … in order; rules on standard images first, then
 * those on archived images; within each, an "any" rule moved last.
 */
export function buildLifecyclePolicy(choices: LifecycleRuleChoice[]): LifecyclePolicy {
  const onArchive = (choice: LifecycleRuleChoice) => choice.kind === 'expireArchivedAfter';
  const inOrder = (list: LifecycleRuleChoice[]) => [...list.filter((choice) => choice.tagStatus !== 'any'), ...list.filter((choice) => choice.tagStatus === 'any')];
  const ordered = [...inOrder(choices.filter((choice) => !onArchive(choice))), ...inOrder(choices.filter(onArchive))];
  const rules = ordered.map((choice, index): LifecycleRule => {
    const selection: LifecycleRule['selection'] = { tagStatus: choice.tagStatus, countType: 'imageCountMoreThan', countNumber: choice.count };
    if (choice.tagStatus === 'tagged') {
      if (choice.tagPatternList?.length) selection.tagPatternList = [...choice.tagPatternList];
      else selection.tagPrefixList = [...(choice.tagPrefixList ?? [])];
    }
    let action: LifecycleAction = { type: 'expire' };
    if (choice.kind === 'expireOlderThan') Object.assign(selection, { countType: 'sinceImagePushed', countUnit: 'days', countNumber: choice.count });
    if (choice.kind === 'archiveNotPulledFor') {
      Object.assign(selection, { countType: 'sinceImagePulled', countUnit: 'days', countNumber: choice.count });
      action = { type: 'transition', targetStorageClass: 'archive' };
    }
    if (choice.kind === 'expireArchivedAfter') Object.assign(selection, { storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: choice.count });
    // Key order as in AWS's examples: tagStatus, tag lists, storageClass, countType, countUnit, countNumber.
    const { tagStatus, tagPrefixList, tagPatternList, storageClass, countType, countUnit, countNumber } = selection;
    const ordered: LifecycleRule['selection'] = JSON.parse(JSON.stringify({ tagStatus, tagPrefixList, tagPatternList, storageClass, countType, countUnit, countNumber }));
    const rule: LifecycleRule = { rulePriority: index + 1, selection: ordered, action };
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
