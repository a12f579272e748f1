/**
 * Tag mutability as ECR has it since 2025: four modes, and wildcard exclusion filters for the two
 * `_WITH_EXCLUSION` modes. Pure: the push gate, the repository tooltip and the filter editor all
 * ask the same questions of the same code.
 *
 * ECR's rules (API reference, ImageTagMutabilityExclusionFilter and PutImageTagMutability):
 * - `filterType` is `WILDCARD` (the only value); `filter` matches `^[0-9a-zA-Z._*-]{1,128}$`;
 * - a request carries 1 to 5 filters, and only with a `_WITH_EXCLUSION` mode; those modes need filters;
 * - IMMUTABLE_WITH_EXCLUSION: every tag is immutable except those a filter matches;
 *   MUTABLE_WITH_EXCLUSION: every tag is mutable except those a filter matches.
 */

export const TAG_MUTABILITY_MODES = ['MUTABLE', 'IMMUTABLE', 'MUTABLE_WITH_EXCLUSION', 'IMMUTABLE_WITH_EXCLUSION'] as const;
export type TagMutabilityMode = (typeof TAG_MUTABILITY_MODES)[number];

/** One exclusion filter, in the SDK's shape (`ImageTagMutabilityExclusionFilter`). */
export interface TagMutabilityExclusionFilter {
  filterType: 'WILDCARD';
  filter: string;
}

export interface TagMutabilitySettings {
  mode: TagMutabilityMode;
  exclusionFilters: TagMutabilityExclusionFilter[];
}

export const MAX_EXCLUSION_FILTERS = 5;
export const MAX_EXCLUSION_FILTER_LENGTH = 128;
const FILTER_PATTERN = /^[0-9a-zA-Z._*-]{1,128}$/;

export const isTagMutabilityMode = (value: unknown): value is TagMutabilityMode =>
  typeof value === 'string' && (TAG_MUTABILITY_MODES as readonly string[]).includes(value);

export const modeHasExclusions = (mode: TagMutabilityMode) => mode.endsWith('_WITH_EXCLUSION');

/** The mode's base: what a tag no filter matches is. */
export const baseIsImmutable = (mode: string) => mode.toUpperCase().startsWith('IMMUTABLE');

/** Settings from what DescribeRepositories / PutImageTagMutability return (unknown modes read as MUTABLE). */
export function tagMutabilityFrom(mode: string | undefined, filters: Array<{ filterType?: string; filter?: string }> | undefined): TagMutabilitySettings {
  const known = isTagMutabilityMode(mode) ? mode : 'MUTABLE';
  return {
    mode: known,
    exclusionFilters: (filters ?? [])
      .filter((entry) => typeof entry.filter === 'string')
      .map((entry) => ({ filterType: 'WILDCARD' as const, filter: entry.filter as string })),
  };
}

/** Why one filter value would be refused, or undefined when ECR accepts it. */
export function exclusionFilterProblem(filter: string): string | undefined {
  if (filter.length === 0) return 'An exclusion filter cannot be empty.';
  if (filter.length > MAX_EXCLUSION_FILTER_LENGTH) return `The exclusion filter "${filter.slice(0, 20)}…" is ${filter.length} characters long; ECR allows at most ${MAX_EXCLUSION_FILTER_LENGTH}.`;
  if (!FILTER_PATTERN.test(filter)) {
    const bad = [...new Set([...filter].filter((character) => !/[0-9a-zA-Z._*-]/.test(character)))];
    return `The exclusion filter "${filter}" contains ${bad.map((character) => (character === ' ' ? 'a space' : `"${character}"`)).join(', ')}: ECR allows only letters, digits, ".", "_", "-" and the wildcard "*".`;
  }
  return undefined;
}

/** Every reason ECR would refuse these settings, as sentences (empty when it would accept them). */
export function tagMutabilityProblems(settings: { mode: string; exclusionFilters?: Array<{ filterType?: string; filter: string }> }): string[] {
  const problems: string[] = [];
  const filters = settings.exclusionFilters ?? [];
  if (!isTagMutabilityMode(settings.mode)) {
    return [`"${settings.mode}" is not a tag mutability mode; use ${TAG_MUTABILITY_MODES.join(', ')}.`];
  }
  if (modeHasExclusions(settings.mode)) {
    if (filters.length === 0) problems.push(`${settings.mode} needs at least one exclusion filter.`);
    if (filters.length > MAX_EXCLUSION_FILTERS) problems.push(`ECR allows at most ${MAX_EXCLUSION_FILTERS} exclusion filters; there are ${filters.length}.`);
  } else if (filters.length) {
    problems.push(`${settings.mode} takes no exclusion filters; choose ${settings.mode}_WITH_EXCLUSION to keep them.`);
  }
  for (const entry of filters) {
    if (entry.filterType !== undefined && entry.filterType !== 'WILDCARD') problems.push(`Exclusion filter type "${entry.filterType}" is not supported; ECR knows only WILDCARD.`);
    const problem = exclusionFilterProblem(entry.filter);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** `*` matches any run of characters (none too); everything else literally; the whole tag must match. */
export function wildcardMatches(filter: string, tag: string): boolean {
  const pattern = filter
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(tag);
}

export interface TagMutabilityDecision {
  immutable: boolean;
  mode: TagMutabilityMode;
  /** The exclusion filter that matched the tag (it flipped the mode's base), if any. */
  filter?: string;
  /** In words, for a message: `"latest" matches the exclusion filter "latest"`. */
  reason: string;
}

/** Whether ECR would refuse to move this tag once pushed, and what decided it. */
export function tagIsImmutable(settings: TagMutabilitySettings, tag: string): TagMutabilityDecision {
  const { mode } = settings;
  const base = baseIsImmutable(mode);
  if (!modeHasExclusions(mode)) {
    return { immutable: base, mode, reason: `the repository's tags are ${base ? 'immutable' : 'mutable'} (${mode})` };
  }
  const matched = settings.exclusionFilters.find((entry) => wildcardMatches(entry.filter, tag));
  if (matched) {
    return {
      immutable: !base,
      mode,
      filter: matched.filter,
      reason: `"${tag}" matches the exclusion filter "${matched.filter}", so it is ${base ? 'mutable' : 'immutable'} (${mode})`,
    };
  }
  const listed = settings.exclusionFilters.map((entry) => `"${entry.filter}"`).join(', ');
  return { immutable: base, mode, reason: `"${tag}" matches none of the exclusion filters ${listed}, so it is ${base ? 'immutable' : 'mutable'} (${mode})` };
}

/** The repository tooltip's line: "Tags: immutable, except latest, dev-*". */
export function describeTagMutability(settings: TagMutabilitySettings): string {
  const filters = settings.exclusionFilters.map((entry) => entry.filter).join(', ');
  switch (settings.mode) {
    case 'MUTABLE':
      return 'Tags: mutable';
    case 'IMMUTABLE':
      return 'Tags: immutable';
    case 'IMMUTABLE_WITH_EXCLUSION':
      return `Tags: immutable, except ${filters}`;
    case 'MUTABLE_WITH_EXCLUSION':
      return `Tags: mutable, except ${filters} (immutable)`;
  }
}

/**
 * The codicon a repository row shows for its mode: a lock when tags are immutable, a small lock when
 * most are (some excluded), an open lock when most tags move but some are locked, the plain repo otherwise.
 */
export function tagMutabilityIcon(mode: string): 'lock' | 'lock-small' | 'unlock' | 'repo' {
  switch (mode) {
    case 'IMMUTABLE':
      return 'lock';
    case 'IMMUTABLE_WITH_EXCLUSION':
      return 'lock-small';
    case 'MUTABLE_WITH_EXCLUSION':
      return 'unlock';
    default:
      return 'repo';
  }
}

/** The request fields for PutImageTagMutability / CreateRepository; throws the problems when ECR would refuse. */
export function tagMutabilityRequest(settings: TagMutabilitySettings): {
  imageTagMutability: TagMutabilityMode;
  imageTagMutabilityExclusionFilters?: TagMutabilityExclusionFilter[];
} {
  const problems = tagMutabilityProblems(settings);
  if (problems.length) throw Object.assign(new Error(problems.join(' ')), { name: 'InvalidTagMutabilityError' });
  return modeHasExclusions(settings.mode)
    ? { imageTagMutability: settings.mode, imageTagMutabilityExclusionFilters: settings.exclusionFilters.map((entry) => ({ filterType: 'WILDCARD', filter: entry.filter })) }
    : { imageTagMutability: settings.mode };
}
