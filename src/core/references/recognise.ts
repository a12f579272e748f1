import { parseRegistryHost, type RegistryHost } from '../ecr/registryHost';
import { splitImageReference } from '../imageReference';
import { editDistance } from '../dockerfile/text';

/**
 * Finds the ECR images a document names, in any language, without parsing it: one regular
 * expression for ECR-looking hosts (the same shape as `core/ecr/registryHost.ts`, loosened so a
 * misspelt `dkr.ecr`, a short account id or an unknown region is still found and can be reported),
 * plus three cheap anchored scans for the forms that split an image into parts: Flyte/Union
 * `ImageSpec(registry=…, name=…, tag=…)`, Aqueduct `.image("repo:tag")` and Helm-style
 * `repository:` + `tag:` siblings. Templated values (`${…}`, `{{ … }}`, f-strings, `%s`, `$VAR`)
 * are left alone. Offsets are UTF-16 code units into the text, end exclusive (what VS Code's
 * `TextDocument.positionAt` takes).
 */

export interface Span {
  start: number;
  end: number;
}

/** Part of a reference as written: its text and where it is. */
export interface Part {
  text: string;
  span: Span;
}

/** An ECR-looking host, part by part, as written (it may be malformed: see `findings.ts`). */
export interface HostParts extends Part {
  account: Part;
  /** `dkr.ecr` (or dual-stack `dkr-ecr`), or what was written in its place. */
  service: Part;
  fips: boolean;
  region: Part;
  domain: Part;
  /** The registry when the host is a well-formed ECR host (`parseRegistryHost`). */
  registry: RegistryHost | undefined;
}

/**
 * - `uri`: `<host>/<repo>[:tag][@digest]` in one string;
 * - `registry`: a host alone (a `docker login` argument, a `registry:` value);
 * - `imageSpec`: `ImageSpec(registry=…, name=…, tag=…)`;
 * - `aqueduct`: `.image("repo:tag")`, whose registry is the one the user connected (the caller resolves it);
 * - `helm`: `repository:` + `tag:` (and `registry:`, `digest:`) siblings in one YAML mapping.
 */
export type ReferenceForm = 'uri' | 'registry' | 'imageSpec' | 'aqueduct' | 'helm';

export interface FoundReference {
  form: ReferenceForm;
  /** Everything the reference covers (for a split form, from its first part to its last). */
  span: Span;
  /** Undefined only for `aqueduct` (registry to be resolved by the caller). */
  host?: HostParts;
  /** The repository name (for ImageSpec with a registry path, `<path>/<name>`, its span the name's). */
  repository?: Part;
  tag?: Part;
  digest?: Part;
  /** The key the value was written under (`image`, `repository`, `imageUri`…), when a `key:` or `key=` precedes it on its line. */
  key?: string;
}

export interface ScanOptions {
  /** VS Code's language id (`python`, `yaml`, `json`, …); the file name is used when it is absent. */
  languageId?: string;
  fileName?: string;
}

const DOMAINS = String.raw`amazonaws\.com\.cn|amazonaws\.com|amazonaws\.eu|on\.amazonwebservices\.com\.cn|on\.aws|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov`;

/**
 * `<digits>.<service>[-fips].<region>.<domain>`, loosely: the account any number of digits, the
 * service two short words (so `dkr.ecs`, `drk.ecr`, `dkrecr` are found), the region any
 * `xx-yyy-n` shape; then the path, tag and digest characters. A candidate whose service is not
 * within 2 edits of `dkr.ecr` is some other AWS host and is dropped.
 */
const CANDIDATE = new RegExp(
  String.raw`(?<![\w.-])(\d{1,20})\.([a-z]{2,5}[.-]?[a-z]{2,5})(-fips)?\.([a-z]{2,6}(?:-[a-z0-9]{1,12}){1,4})\.(${DOMAINS})(?![\w-]|\.[a-z0-9])` +
    String.raw`(\/[A-Za-z0-9._/-]*)?(:[A-Za-z0-9_.-]*)?(@[A-Za-z0-9_:+.=-]*)?`,
  'g',
);

/** Characters that, touching a reference, mean it is built by a template or format string. */
const TEMPLATE_NEIGHBOURS = new Set(['$', '{', '}', '%', '<', '>', '[', '+']);

export function findReferences(text: string, options: ScanOptions = {}): FoundReference[] {
  const language = languageOf(options);
  const found: FoundReference[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const reference = uriReference(text, match);
    if (reference) found.push(reference);
  }
  if (language === 'python' || language === 'other') {
    if (text.includes('ImageSpec')) {
      const specs = imageSpecReferences(text);
      // An ImageSpec's registry= value is part of the ImageSpec, not a reference of its own.
      const hosts = new Set(specs.map((spec) => spec.host!.span.start));
      found.splice(0, found.length, ...found.filter((reference) => !hosts.has(reference.span.start)), ...specs);
    }
    if (text.includes('.image(') && /aqueduct/i.test(text)) found.push(...aqueductReferences(text, found));
  }
  if (language === 'yaml' && found.length > 0) return helmReferences(text, found);
  return found.sort((a, b) => a.span.start - b.span.start);
}

type Language = 'python' | 'yaml' | 'json' | 'other';

function languageOf({ languageId, fileName }: ScanOptions): Language {
  const id = languageId?.toLowerCase();
  if (id === 'python') return 'python';
  if (id === 'yaml' || id === 'dockercompose' || id === 'github-actions-workflow' || id === 'helm') return 'yaml';
  if (id === 'json' || id === 'jsonc') return 'json';
  if (id) return 'other';
  const name = fileName?.toLowerCase() ?? '';
  if (name.endsWith('.py') || name.endsWith('.pyi')) return 'python';
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return 'yaml';
  if (name.endsWith('.json')) return 'json';
  return 'other';
}

function part(text: string, start: number): Part {
  return { text, span: { start, end: start + text.length } };
}

/** The host of a candidate match, or undefined when its service label is too far from `dkr.ecr` to be a misspelling of it. */
function hostOf(match: RegExpMatchArray | RegExpExecArray, start: number): HostParts | undefined {
  const [, account, service, fips = '', region, domain] = match;
  const canonical = service.includes('-') ? 'dkr-ecr' : 'dkr.ecr';
  if (service !== 'dkr.ecr' && service !== 'dkr-ecr' && editDistance(service, canonical) > 2) return undefined;
  const serviceStart = start + account.length + 1;
  const regionStart = serviceStart + service.length + fips.length + 1;
  const domainStart = regionStart + region.length + 1;
  const hostText = `${account}.${service}${fips}.${region}.${domain}`;
  return {
    ...part(hostText, start),
    account: part(account, start),
    service: part(service, serviceStart),
    fips: fips !== '',
    region: part(region, regionStart),
    domain: part(domain, domainStart),
    registry: parseRegistryHost(hostText),
  };
}

function uriReference(text: string, match: RegExpMatchArray): FoundReference | undefined {
  const start = match.index!;
  const end = start + match[0].length;
  if (TEMPLATE_NEIGHBOURS.has(text[start - 1]) || TEMPLATE_NEIGHBOURS.has(text[end]) || text[end] === ':' || text[end] === '@') return undefined;
  if (isFormatString(text, start)) return undefined;
  const host = hostOf(match, start);
  if (!host) return undefined;
  const [, , , , , , path = '', tagText, digestText] = match;
  const key = keyBefore(text, start);
  const repositoryText = path.replace(/^\/+/, '');
  if (!repositoryText) {
    // A host alone: a registry, not an image. `host/` is a prefix the code appends a name to (a
    // concatenation, a format), and a tag or digest on a bare host is no reference at all.
    if (path || tagText !== undefined || digestText !== undefined) return undefined;
    return { form: 'registry', span: { start, end: host.span.end }, host, key };
  }
  let offset = host.span.end + 1;
  const repository = part(repositoryText, offset);
  offset += repositoryText.length;
  const tag = tagText !== undefined ? part(tagText.slice(1), offset + 1) : undefined;
  offset += tagText?.length ?? 0;
  const digest = digestText !== undefined ? part(digestText.slice(1), offset + 1) : undefined;
  return { form: 'uri', span: { start, end }, host, repository, tag, digest, key };
}

/** True when the string literal around `offset` on its line is a Python f-string with a replacement field. */
function isFormatString(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset) + 1;
  const before = text.slice(lineStart, offset);
  const quote = /(?:^|[^\w])([fF][rR]?|[rR][fF])(["'])[^"']*$/.exec(before);
  if (!quote) return false;
  const close = text.indexOf(quote[2], offset);
  const literal = text.slice(lineStart + quote.index, close < 0 ? offset : close);
  return literal.includes('{');
}

/** `image` in `image: …`, `"image": "…"`, `image = "…"`, `- image: …` before `offset` on its line. */
function keyBefore(text: string, offset: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(Math.max(lineStart, offset - 200), offset);
  return /(["']?)([A-Za-z_][\w.-]*)\1\s*[:=]\s*["']?$/.exec(before)?.[2];
}

// ---------------------------------------------------------------------------------------------
// Flyte/Union ImageSpec(registry=…, name=…, tag=…)

interface KeywordValue {
  /** The literal's text without quotes, undefined when the value is not a plain string literal. */
  value: string | undefined;
  /** Where the literal's content starts. */
  start: number;
}

/** Keyword arguments of the call whose `(` is at `open`, at its own nesting level; string literals only. */
function keywordArguments(text: string, open: number, limit = 8000): Map<string, KeywordValue> {
  const args = new Map<string, KeywordValue>();
  let depth = 0;
  const end = Math.min(text.length, open + limit);
  for (let i = open; i < end; i++) {
    const c = text[i];
    if (c === '#') {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? end : newline;
    } else if (c === '"' || c === "'") {
      i = skipString(text, i, end) - 1;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) break;
    } else if (depth === 1 && /[A-Za-z_]/.test(c) && !/[\w.]/.test(text[i - 1])) {
      const keyword = /^([A-Za-z_]\w*)\s*=(?!=)\s*/.exec(text.slice(i, i + 200));
      if (!keyword) continue;
      const valueStart = i + keyword[0].length;
      args.set(keyword[1], literalAt(text, valueStart, end));
      i = valueStart - 1;
    }
  }
  return args;
}

/** The end (exclusive) of the string literal opening at `i` (single, double or triple quotes). */
function skipString(text: string, i: number, end: number): number {
  const quote = text[i];
  const triple = text.startsWith(quote.repeat(3), i);
  const closing = triple ? quote.repeat(3) : quote;
  for (let j = i + closing.length; j < end; j++) {
    if (text[j] === '\\') j++;
    else if (text.startsWith(closing, j)) return j + closing.length;
    else if (!triple && text[j] === '\n') return j;
  }
  return end;
}

/** A plain string literal at `start` (an optional r/u prefix; f-strings with fields and `%`/`{}` formats are not plain). */
function literalAt(text: string, start: number, end: number): KeywordValue {
  const prefix = /^([rRuUbBfF]{0,2})(["'])/.exec(text.slice(start, start + 3));
  if (!prefix) return { value: undefined, start };
  const open = start + prefix[1].length;
  if (text.startsWith(prefix[2].repeat(3), open)) return { value: undefined, start };
  const close = skipString(text, open, end);
  if (text[close - 1] !== prefix[2] || close - 1 === open) return { value: undefined, start };
  const value = text.slice(open + 1, close - 1);
  if (/[{}$%\\]/.test(value) || /[fFbB]/.test(prefix[1])) return { value: undefined, start };
  return { value, start: open + 1 };
}

function imageSpecReferences(text: string): FoundReference[] {
  const found: FoundReference[] = [];
  for (const call of text.matchAll(/\bImageSpec\s*\(/g)) {
    const open = call.index! + call[0].length - 1;
    const args = keywordArguments(text, open);
    const registry = args.get('registry');
    const name = args.get('name');
    if (registry?.value === undefined || name?.value === undefined) continue;
    // The registry value is an ECR host, optionally with a path (`<host>/team`), and nothing else.
    const hostMatch = new RegExp(CANDIDATE.source).exec(registry.value);
    if (!hostMatch || hostMatch.index !== 0 || hostMatch[0] !== registry.value || hostMatch[7] !== undefined || hostMatch[8] !== undefined) continue;
    const host = hostOf(hostMatch, registry.start);
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

function aqueductReferences(text: string, uris: readonly FoundReference[]): FoundReference[] {
  const found: FoundReference[] = [];
  for (const call of text.matchAll(/\.image\(\s*/g)) {
    const start = call.index! + call[0].length;
    const literal = literalAt(text, start, Math.min(text.length, start + 600));
    if (literal.value === undefined) continue;
    const after = text.slice(literal.start + literal.value.length + 1).match(/^\s*[,)]/);
    if (!after) continue;
    // A full URI inside the call is already a `uri` reference.
    if (uris.some((uri) => uri.span.start >= literal.start && uri.span.start <= literal.start + literal.value!.length)) continue;
    const { name, tag, digest } = splitImageReference(literal.value);
    // A repo:tag or repo@digest only: `.image("logo.png")` is no image reference.
    if ((tag === undefined && digest === undefined) || !IMAGE_LITERAL.test(literal.value)) continue;
    const repository = part(name, literal.start);
    const tagPart = tag !== undefined ? part(tag, repository.span.end + 1) : undefined;
    const digestPart = digest !== undefined ? part(digest, literal.start + literal.value.length - digest.length) : undefined;
    found.push({
      form: 'aqueduct',
      span: { start: literal.start, end: literal.start + literal.value.length },
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

interface YamlEntry {
  key: string;
  value: Part | undefined;
}

/** The `key: value` entries of the YAML mapping holding the line at `offset` (same indentation, up to 40 lines each way). */
function siblings(text: string, offset: number): Map<string, YamlEntry> {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const first = /^(\s*)(?:-\s+)?/.exec(text.slice(lineStart, offset))!;
  const indent = first[0].length;
  const entries = new Map<string, YamlEntry>();
  const visit = (start: number): boolean => {
    const newline = text.indexOf('\n', start);
    const line = text.slice(start, newline < 0 ? text.length : newline);
    if (/^\s*(#.*)?$/.test(line)) return true;
    const lead = /^(\s*)(-\s+)?/.exec(line)!;
    const column = lead[0].length;
    if (column < indent || (lead[2] && start !== lineStart && column === indent)) return false;
    if (column > indent) return true;
    const entry = /^([A-Za-z_][\w-]*)\s*:\s*(["']?)([^"'#\s]*)\2\s*(?:#.*)?$/.exec(line.slice(column));
    if (!entry) return !lead[2] || start === lineStart;
    const literal = entry[3] && !/[{}$%]/.test(entry[3]) ? part(entry[3], start + column + entry[0].indexOf(entry[3], entry[1].length + 1)) : undefined;
    if (!entries.has(entry[1])) entries.set(entry[1], { key: entry[1], value: literal });
    return !lead[2] || start === lineStart;
  };
  let start = lineStart;
  for (let n = 0; n < 40 && visit(start); n++) {
    const newline = text.indexOf('\n', start);
    if (newline < 0) break;
    start = newline + 1;
  }
  if (!first[0].includes('-')) {
    start = lineStart;
    for (let n = 0; n < 40 && start > 0; n++) {
      start = text.lastIndexOf('\n', start - 2) + 1;
      if (!visit(start)) break;
    }
  }
  return entries;
}

function helmReferences(text: string, found: FoundReference[]): FoundReference[] {
  const result: FoundReference[] = [];
  const absorbed = new Set<FoundReference>();
  for (const reference of found) {
    const repositoryUri = reference.form === 'uri' && reference.key === 'repository' && !reference.tag && !reference.digest;
    const registryOnly = reference.form === 'registry' && reference.key === 'registry';
    if (!repositoryUri && !registryOnly) continue;
    const entries = siblings(text, reference.span.start);
    const tag = entries.get('tag')?.value;
    const digest = entries.get('digest')?.value;
    let repository = reference.repository;
    if (registryOnly) {
      const value = entries.get('repository')?.value;
      if (!value || !IMAGE_LITERAL.test(value.text) || value.text.includes(':') || value.text.includes('@')) continue;
      repository = value;
    }
    if (!tag && !digest && registryOnly) continue;
    if (!tag && !digest) continue;
    const spans = [reference.span, repository!.span, ...(tag ? [tag.span] : []), ...(digest ? [digest.span] : [])];
    absorbed.add(reference);
    result.push({
      form: 'helm',
      span: { start: Math.min(...spans.map((s) => s.start)), end: Math.max(...spans.map((s) => s.end)) },
      host: reference.host,
      repository,
      tag,
      digest,
      key: 'repository',
    });
  }
  return [...found.filter((reference) => !absorbed.has(reference)), ...result].sort((a, b) => a.span.start - b.span.start);
}
