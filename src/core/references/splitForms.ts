import { splitImageReference } from '../imageReference';
import type { FoundReference, Part } from './recognise';
import { byStart, CANDIDATE, hostOf, isKeyCharacter, part, startOf } from './uriScan';

/** The forms that split an image into parts (see `recognise.ts`): Flyte/Union ImageSpec, Aqueduct `.image()`, Helm-style `repository:` + `tag:`. */

// ---------------------------------------------------------------------------------------------
// Flyte/Union ImageSpec(registry=…, name=…, tag=…)

interface KeywordValue {
  /** The literal's text without quotes, undefined when the value is not a plain string literal. */
  value: string | undefined;
  /** Where the literal's content starts. */
  start: number;
}

/** Keyword arguments of the call whose `(` is at `open`, at its own nesting level; string literals only. */
/** What the keyword scan stops at: strings, comments, brackets, and `name =` (not `==`) where no identifier or attribute continues. */
const ARGUMENT_TOKEN = /["'#()[\]{}]|(?<![\w.])([A-Za-z_]\w*)\s*=(?!=)\s*/g;

/** How far past `(` a call's keyword arguments are read. */
const KEYWORD_SCAN_LIMIT = 8000;

function keywordArguments(text: string, open: number, wanted: ReadonlySet<string>, limit = KEYWORD_SCAN_LIMIT): Map<string, KeywordValue> {
  const args = new Map<string, KeywordValue>();
  const end = Math.min(text.length, open + limit);
  const token = new RegExp(ARGUMENT_TOKEN.source, 'g');
  token.lastIndex = open;
  let depth = 0;
  let match: RegExpExecArray | null;
  while ((match = token.exec(text)) && match.index < end) {
    if (match[1] !== undefined) {
      if (depth === 1 && wanted.has(match[1])) args.set(match[1], literalAt(text, match.index + match[0].length, end));
      continue;
    }
    const c = match[0];
    if (c === '#') {
      const newline = text.indexOf('\n', match.index);
      if (newline < 0) break;
      token.lastIndex = newline + 1;
    } else if (c === '"' || c === "'") {
      token.lastIndex = skipString(text, match.index, end);
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (--depth === 0) {
      break;
    }
  }
  return args;
}

/** The end (exclusive) of the string literal opening at `i` (single, double or triple quotes). */
function skipString(text: string, i: number, end: number): number {
  const quote = text[i];
  if (text[i + 1] === quote && text[i + 2] === quote) {
    const close = text.indexOf(quote.repeat(3), i + 3);
    return close < 0 || close >= end ? end : close + 3;
  }
  for (let j = i + 1; j < end; j++) {
    const c = text[j];
    if (c === quote) return j + 1;
    if (c === '\\') j++;
    else if (c === '\n') return j;
  }
  return end;
}

/** A plain string literal at `start` (an optional r/u prefix; f-strings with fields and `%`/`{}` formats are not plain). */
function literalAt(text: string, start: number, end: number): KeywordValue {
  let open = start;
  let formatted = false;
  // An optional prefix of up to two letters (r, u, b, f in either case), then the quote.
  while (open - start < 2 && /[rRuUbBfF]/.test(text[open] ?? '')) {
    if (/[fFbB]/.test(text[open])) formatted = true;
    open++;
  }
  const quote = text[open];
  if (quote !== '"' && quote !== "'") return { value: undefined, start };
  if (text[open + 1] === quote && text[open + 2] === quote) return { value: undefined, start };
  const close = skipString(text, open, end);
  if (text[close - 1] !== quote || close - 1 === open) return { value: undefined, start };
  const value = text.slice(open + 1, close - 1);
  if (formatted || /[{}$%\\]/.test(value)) return { value: undefined, start };
  return { value, start: open + 1 };
}

const IMAGE_SPEC_KEYWORDS = new Set(['registry', 'name', 'tag']);

/** CANDIDATE, anywhere in a string (an ImageSpec's registry= value). */
const REGISTRY_VALUE = new RegExp(CANDIDATE.source);

/** The ImageSpec calls whose registry= is an ECR host: a call with no host (found by the URI scan, `uris`) within its reach is not parsed. */
export function imageSpecReferences(text: string, uris: readonly FoundReference[]): FoundReference[] {
  const found: FoundReference[] = [];
  let nextHost = 0;
  for (const call of text.matchAll(/\bImageSpec\s*\(/g)) {
    const open = call.index! + call[0].length - 1;
    while (nextHost < uris.length && startOf(uris[nextHost]) < open) nextHost++;
    if (nextHost >= uris.length || startOf(uris[nextHost]) > open + KEYWORD_SCAN_LIMIT) continue;
    const args = keywordArguments(text, open, IMAGE_SPEC_KEYWORDS);
    const registry = args.get('registry');
    const name = args.get('name');
    if (registry?.value === undefined || name?.value === undefined) continue;
    // The registry value is an ECR host, optionally with a path (`<host>/team`), and nothing else.
    const hostMatch = REGISTRY_VALUE.exec(registry.value);
    if (!hostMatch || hostMatch.index !== 0 || hostMatch[0] !== registry.value || hostMatch[7] !== undefined || hostMatch[8] !== undefined) continue;
    const host = hostOf(text, hostMatch, registry.start);
    if (!host) continue;
    const prefix = (hostMatch[6] ?? '').replace(/^\/+|\/+$/g, '');
    const repository: Part = { text: prefix ? `${prefix}/${name.value}` : name.value, span: part(name.value, name.start).span };
    const tagArg = args.get('tag');
    const tag = tagArg?.value !== undefined ? part(tagArg.value, tagArg.start) : undefined;
    // A templated tag (`tag=f"{…}"`, tag_format) leaves the tag unknown: the repository is still checked.
    const parts = [host.span, repository.span, ...(tag ? [tag.span] : [])];
    found.push({
      form: 'imageSpec',
      span: { start: Math.min(...parts.map((s) => s.start)), end: Math.max(...parts.map((s) => s.end)) },
      host,
      repository,
      tag,
    });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Aqueduct .image("repo:tag")

const IMAGE_LITERAL = /^([A-Za-z0-9._/-]+)(?::([A-Za-z0-9_.-]*))?(?:@([A-Za-z0-9_:+.=-]*))?$/;

export function aqueductReferences(text: string): FoundReference[] {
  const found: FoundReference[] = [];
  for (const call of text.matchAll(/\.image\(\s*/g)) {
    const start = call.index + call[0].length;
    const literal = literalAt(text, start, Math.min(text.length, start + 600));
    const value = literal.value;
    if (value === undefined || !/^\s*[,)]/.test(text.slice(literal.start + value.length + 1, literal.start + value.length + 80))) continue;
    const { name, tag, digest } = splitImageReference(value);
    // A repo:tag or repo@digest only: `.image("logo.png")` is no image reference. A name whose first
    // part is a host (`<ECR host>/repo:tag`) is a full URI, already found as one.
    if ((tag === undefined && digest === undefined) || !IMAGE_LITERAL.test(value) || (name.includes('/') && /[.:]/.test(name.slice(0, name.indexOf('/'))))) continue;
    const repository = part(name, literal.start);
    const tagPart = tag !== undefined ? part(tag, repository.span.end + 1) : undefined;
    const digestPart = digest !== undefined ? part(digest, literal.start + value.length - digest.length) : undefined;
    found.push({
      form: 'aqueduct',
      span: { start: literal.start, end: literal.start + value.length },
      repository,
      tag: tagPart,
      digest: digestPart,
      key: 'image',
    });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Helm-style values: repository: <ECR URI> with a tag: sibling, or registry: <ECR host> with repository: and tag: siblings.

interface HelmSiblings {
  repository?: Part;
  tag?: Part;
  digest?: Part;
}

/** One YAML line, read without a regular expression (the scan runs for every `repository:` value). */
interface YamlLine {
  /** The next line's start, or -1 at the end of the text. */
  next: number;
  /** Column of the entry's key (after `- ` for a list item). */
  column: number;
  item: boolean;
  blank: boolean;
  key: string;
  /** The literal value of a `repository`, `tag` or `digest` entry (undefined when empty or templated). */
  value: Part | undefined;
}

const HELM_KEYS = new Set(['repository', 'tag', 'digest']);

function readYamlLine(text: string, start: number): YamlLine {
  let newline = text.indexOf('\n', start);
  const next = newline < 0 ? -1 : newline + 1;
  if (newline < 0) newline = text.length;
  let i = start;
  while (text[i] === ' ') i++;
  let item = false;
  if (text[i] === '-' && text[i + 1] === ' ') {
    item = true;
    i += 2;
    while (text[i] === ' ') i++;
  }
  const line: YamlLine = { next, column: i - start, item, blank: i >= newline || text[i] === '#' || text[i] === '\r', key: '', value: undefined };
  if (line.blank) return line;
  const keyStart = i;
  while (i < newline && isKeyCharacter(text.charCodeAt(i))) i++;
  if (text[i] !== ':' || (i + 1 < newline && text[i + 1] !== ' ')) return line;
  const length = i - keyStart;
  // Only the three keys a Helm image names are read (no string made for any other key).
  if (length !== 3 && length !== 6 && length !== 10) return line;
  line.key = text.slice(keyStart, i);
  if (!HELM_KEYS.has(line.key)) return line;
  i++;
  while (text[i] === ' ') i++;
  const quote = text[i] === '"' || text[i] === "'" ? text[i] : undefined;
  if (quote) i++;
  const valueStart = i;
  while (i < newline && (quote ? text[i] !== quote : text[i] !== ' ' && text[i] !== '#' && text[i] !== '\r')) i++;
  const value = text.slice(valueStart, i);
  if (value && !/[{}$%\s]/.test(value)) line.value = { text: value, span: { start: valueStart, end: i } };
  return line;
}

/** The `repository`, `tag` and `digest` entries of the YAML mapping holding the line at `offset` (same key column, up to 40 lines each way). */
function siblings(text: string, offset: number): HelmSiblings {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const first = readYamlLine(text, lineStart);
  const indent = first.column;
  const entries: HelmSiblings = {};
  const take = (line: YamlLine) => {
    if (line.value && entries[line.key as keyof HelmSiblings] === undefined) entries[line.key as keyof HelmSiblings] = line.value;
  };
  take(first);
  // Down: the same mapping until a line further left, or the next list item at this column.
  for (let n = 0, start = first.next; n < 40 && start >= 0; n++) {
    const line = readYamlLine(text, start);
    start = line.next;
    if (line.blank || line.column > indent) continue;
    if (line.column < indent || line.item) break;
    take(line);
  }
  // Up, unless this line starts a list item: up to a line further left, or the list item this mapping starts with.
  if (!first.item) {
    for (let n = 0, start = lineStart; n < 40 && start > 0; n++) {
      start = text.lastIndexOf('\n', start - 2) + 1;
      const line = readYamlLine(text, start);
      if (line.blank || line.column > indent) continue;
      if (line.column < indent) break;
      take(line);
      if (line.item) break;
    }
  }
  return entries;
}

export function helmReferences(text: string, found: FoundReference[]): FoundReference[] {
  let replaced = false;
  let sorted = true;
  let last = -1;
  for (let index = 0; index < found.length; index++) {
    const reference = found[index];
    const helm = reference.key === 'repository' || reference.key === 'registry' ? helmReference(text, reference) : undefined;
    if (helm) {
      found[index] = helm;
      replaced = true;
    }
    const start = startOf(found[index]);
    if (start < last) sorted = false;
    last = start;
  }
  return replaced && !sorted ? byStart(found) : found;
}

function helmReference(text: string, reference: FoundReference): FoundReference | undefined {
  const repositoryUri = reference.form === 'uri' && reference.key === 'repository' && !reference.tag && !reference.digest;
  const registryOnly = reference.form === 'registry' && reference.key === 'registry';
  if (!repositoryUri && !registryOnly) return undefined;
  const entries = siblings(text, startOf(reference));
  const { tag, digest } = entries;
  if (!tag && !digest) return undefined;
  let repository = reference.repository;
  if (registryOnly) {
    const value = entries.repository;
    if (!value || !IMAGE_LITERAL.test(value.text) || value.text.includes(':') || value.text.includes('@')) return undefined;
    repository = value;
  }
  const span = reference.span;
  for (const part of [repository!, tag, digest]) {
    if (!part) continue;
    const other = part.span;
    if (other.start < span.start) span.start = other.start;
    if (other.end > span.end) span.end = other.end;
  }
  return {
    form: 'helm',
    span,
    host: reference.host,
    repository,
    tag,
    digest,
    key: 'repository',
  };
}
