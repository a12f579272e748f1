import { parseRegistryHost } from '../ecr/registryHost';

/**
 * What to offer while an ECR image is being typed, from the text before the cursor and what the
 * sidebar already knows (no call of its own): repositories after `<ECR host>/`, tags (newest
 * first, with their age) after `<ECR host>/<repo>:`, and inside an `ImageSpec(…)` whose
 * `registry=` is an ECR host, repositories for `name="…` and that repository's tags for `tag="…`.
 */
export interface KnownTag {
  tag: string;
  pushedAt?: Date;
}

export interface KnownImages {
  /** The repositories of the registry at this host (lower case), undefined when it is not connected or not listed yet. */
  repositories(host: string): readonly string[] | undefined;
  tags(host: string, repository: string): readonly KnownTag[] | undefined;
}

export interface CompletionCandidate {
  label: string;
  /** "pushed 3 days ago" for a tag. */
  detail?: string;
  /** Sorts as the list should show (tags newest first). */
  sortText: string;
}

export interface Completions {
  kind: 'repository' | 'tag';
  /** Offset into `textBefore` where the typed word starts: the candidates replace `textBefore.slice(replaceFrom)`. */
  replaceFrom: number;
  candidates: CompletionCandidate[];
}

const HOST = String.raw`(\d{12}\.dkr[.-]ecr(?:-fips)?\.[a-z0-9-]+\.(?:amazonaws\.com\.cn|amazonaws\.com|amazonaws\.eu|on\.amazonwebservices\.com\.cn|on\.aws|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov))`;
const URI_REPOSITORY = new RegExp(String.raw`(?<![\w.-])${HOST}\/([a-z0-9._/-]*)$`);
const URI_TAG = new RegExp(String.raw`(?<![\w.-])${HOST}\/([a-z0-9._/-]+):([A-Za-z0-9_.-]*)$`);
const REGISTRY_ARGUMENT = new RegExp(String.raw`\bregistry\s*=\s*["']${HOST}(?:\/([a-z0-9._/-]+))?["']`);

export function completionsAt(textBefore: string, known: KnownImages, textAfter = '', now = new Date()): Completions | undefined {
  // Only the current line matters for a URI; an ImageSpec call may span lines.
  const line = textBefore.slice(textBefore.lastIndexOf('\n') + 1);
  const lineStart = textBefore.length - line.length;
  const tagMatch = URI_TAG.exec(line);
  if (tagMatch && parseRegistryHost(tagMatch[1])) {
    return tagCompletions(known, tagMatch[1], tagMatch[2], tagMatch[3], lineStart + line.length - tagMatch[3].length, now);
  }
  const repositoryMatch = URI_REPOSITORY.exec(line);
  if (repositoryMatch && parseRegistryHost(repositoryMatch[1])) {
    return repositoryCompletions(known, repositoryMatch[1], '', repositoryMatch[2], lineStart + line.length - repositoryMatch[2].length);
  }
  return imageSpecCompletions(textBefore, textAfter, known, now);
}

function repositoryCompletions(known: KnownImages, host: string, prefix: string, typed: string, replaceFrom: number): Completions | undefined {
  const repositories = known.repositories(host.toLowerCase());
  if (!repositories) return undefined;
  const candidates = repositories
    .filter((name) => (!prefix || name.startsWith(`${prefix}/`)) && name.slice(prefix ? prefix.length + 1 : 0).startsWith(typed))
    .map((name) => name.slice(prefix ? prefix.length + 1 : 0))
    .sort()
    .map((label, index) => ({ label, sortText: String(index).padStart(6, '0') }));
  return { kind: 'repository', replaceFrom, candidates };
}

function tagCompletions(known: KnownImages, host: string, repository: string, typed: string, replaceFrom: number, now: Date): Completions | undefined {
  const tags = known.tags(host.toLowerCase(), repository);
  if (!tags) return undefined;
  const candidates = tags
    .filter(({ tag }) => tag.startsWith(typed))
    .sort((a, b) => (b.pushedAt?.getTime() ?? 0) - (a.pushedAt?.getTime() ?? 0) || a.tag.localeCompare(b.tag))
    .map(({ tag, pushedAt }, index) => ({ label: tag, detail: pushedAt ? `pushed ${age(pushedAt, now)}` : undefined, sortText: String(index).padStart(6, '0') }));
  return { kind: 'tag', replaceFrom, candidates };
}

/** `name="…` or `tag="…` inside an `ImageSpec(` call whose `registry=` (before or after the cursor) is an ECR host. */
function imageSpecCompletions(textBefore: string, textAfter: string, known: KnownImages, now: Date): Completions | undefined {
  const argument = /\b(name|tag)\s*=\s*["']([A-Za-z0-9._/-]*)$/.exec(textBefore);
  if (!argument) return undefined;
  const call = textBefore.lastIndexOf('ImageSpec', argument.index);
  if (call < 0 || argument.index - call > 4000 || !/^ImageSpec\s*\(/.test(textBefore.slice(call, call + 40))) return undefined;
  // The call as far as it is written: from ImageSpec( to a little past the cursor (the arguments after it).
  const callText = textBefore.slice(call) + textAfter.slice(0, 2000);
  const registry = REGISTRY_ARGUMENT.exec(callText);
  if (!registry || !parseRegistryHost(registry[1])) return undefined;
  const [, host, prefix = ''] = registry;
  const replaceFrom = textBefore.length - argument[2].length;
  if (argument[1] === 'name') return repositoryCompletions(known, host, prefix, argument[2], replaceFrom);
  const name = /\bname\s*=\s*["']([a-z0-9._/-]+)["']/.exec(callText);
  if (!name) return undefined;
  return tagCompletions(known, host, prefix ? `${prefix}/${name[1]}` : name[1], argument[2], replaceFrom, now);
}

function age(then: Date, now: Date): string {
  const seconds = Math.max(0, (now.getTime() - then.getTime()) / 1000);
  const units: [number, string][] = [
    [365 * 86400, 'year'],
    [30 * 86400, 'month'],
    [7 * 86400, 'week'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}
