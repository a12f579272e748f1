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
 * within 2 edits of `dkr.ecr` is some other AWS host and is dropped. Sticky: it is tried only
 * where `ANCHOR` (a partition's domain, found first because it is rare in text) says a host may
 * start, which keeps the scan near the speed of one plain regular expression.
 */
const CANDIDATE = new RegExp(
  String.raw`(\d{1,20})\.([a-z]{2,5}[.-]?[a-z]{2,5})(-fips)?\.([a-z]{2,6}(?:-[a-z0-9]{1,12}){1,4})\.(${DOMAINS})(?![\w-]|\.[a-z0-9])` +
    String.raw`(\/[A-Za-z0-9._/-]*)?(:[A-Za-z0-9_.-]*)?(@[A-Za-z0-9_:+.=-]*)?`,
  'y',
);
const ANCHOR = /\.(?:amazonaws\.(?:com|eu)|on\.(?:aws|amazonwebservices)|sc2s\.sgov|c2s\.ic|cloud\.adc-e|csp\.hci)/g;
/** The longest host before its domain: 20 digits, `.dkr.ecr-fips.`, a long region. */
const MAX_HOST_BEFORE_DOMAIN = 80;

/** `[A-Za-z0-9_.-]`: characters that, before an account id, make it the middle of something else. */
function isHostCharacter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 46 || code === 45 || code === 95;
}

/** The full-URI and bare-host references in the text: each ECR-looking host (with what follows it) `CANDIDATE` matches where `ANCHOR` points. */
function uriReferences(text: string, found: FoundReference[]): void {
  const anchor = new RegExp(ANCHOR.source, 'g');
  const candidate = new RegExp(CANDIDATE.source, 'y');
  let next: RegExpExecArray | null;
  while ((next = anchor.exec(text))) {
    let start = next.index;
    const floor = Math.max(0, start - MAX_HOST_BEFORE_DOMAIN);
    while (start > floor && isHostCharacter(text.charCodeAt(start - 1))) start--;
    const first = text.charCodeAt(start);
    // Not a host start (a word before the digits, or no digits): no lookbehind needed in CANDIDATE.
    if (first < 48 || first > 57 || (start > 0 && isHostCharacter(text.charCodeAt(start - 1)))) continue;
    candidate.lastIndex = start;
    const match = candidate.exec(text);
    if (!match) continue;
    anchor.lastIndex = Math.max(anchor.lastIndex, start + match[0].length);
    const reference = uriReference(text, match);
    if (reference) found.push(reference);
  }
}

/** Characters that, touching a reference, mean it is built by a template or format string. */
const TEMPLATE_NEIGHBOURS = new Set(['$', '{', '}', '%', '<', '>', '[', '+']);

export function findReferences(text: string, options: ScanOptions = {}): FoundReference[] {
  const language = languageOf(options);
  const found: FoundReference[] = [];
  uriReferences(text, found);
  if (language === 'python' || language === 'other') {
    let merged = found;
    if (text.includes('ImageSpec')) {
      const specs = imageSpecReferences(text, found);
      if (specs.length > 0) {
        // An ImageSpec's registry= value is part of the ImageSpec, not a reference of its own.
        const hosts = new Set(specs.map((spec) => spec.host!.span.start));
        merged = inTextOrder(merged.filter((reference) => !hosts.has(startOf(reference))), specs);
      }
    }
    if (text.includes('.image(') && /aqueduct/i.test(text)) merged = inTextOrder(merged, aqueductReferences(text));
    return merged;
  }
  if (language === 'yaml' && found.length > 0) return helmReferences(text, found);
  return found;
}

/** Where a reference starts, without making a span object for a view. */
function startOf(reference: FoundReference): number {
  return reference instanceof UriView ? reference.start : reference.span.start;
}

/** Two lists in text order merged into one (each list is in text order as the scans make them; checked, sorted if not). */
function inTextOrder(a: FoundReference[], b: FoundReference[]): FoundReference[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const merged: FoundReference[] = [];
  let i = 0;
  let j = 0;
  let last = -1;
  let sorted = true;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && startOf(a[i]) <= startOf(b[j])) ? a[i++] : b[j++];
    const start = startOf(next);
    if (start < last) sorted = false;
    last = start;
    merged.push(next);
  }
  return sorted ? merged : byStart(merged);
}

/** References in text order (each span read once: a view's span is made when read). */
function byStart(references: FoundReference[]): FoundReference[] {
  return references
    .map((reference) => ({ reference, start: startOf(reference) }))
    .sort((x, y) => x.start - y.start)
    .map(({ reference }) => reference);
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

/**
 * A host as a view on the document: its parts are sliced out when read, and the registry parsed
 * when first read, so a document naming hundreds of images costs one small object per host until
 * someone looks (the scan's budget is twice a plain regular-expression pass).
 */
class HostView implements HostParts {
  readonly fips: boolean;
  private parsed: RegistryHost | null | undefined;
  constructor(
    private readonly document: string,
    private readonly start: number,
    private readonly accountEnd: number,
    private readonly serviceEnd: number,
    private readonly regionStart: number,
    private readonly domainStart: number,
    private readonly end: number,
  ) {
    this.fips = regionStart - serviceEnd > 1;
  }
  private slice(start: number, end: number): Part {
    return { text: this.document.slice(start, end), span: { start, end } };
  }
  get text(): string {
    return this.document.slice(this.start, this.end);
  }
  get span(): Span {
    return { start: this.start, end: this.end };
  }
  get account(): Part {
    return this.slice(this.start, this.accountEnd);
  }
  get service(): Part {
    return this.slice(this.accountEnd + 1, this.serviceEnd);
  }
  get region(): Part {
    return this.slice(this.regionStart, this.domainStart - 1);
  }
  get domain(): Part {
    return this.slice(this.domainStart, this.end);
  }
  get registry(): RegistryHost | undefined {
    if (this.parsed === undefined) this.parsed = parseRegistryHost(this.text) ?? null;
    return this.parsed ?? undefined;
  }
  /** The end of the host, for the parts that follow it. */
  get hostEnd(): number {
    return this.end;
  }
}

/** The host of a candidate match at `start`, or undefined when its service label is too far from `dkr.ecr` to be a misspelling of it. */
function hostOf(document: string, match: RegExpMatchArray | RegExpExecArray, start: number): HostView | undefined {
  // Indexed, not destructured: destructuring a RegExp result goes through its iterator.
  const service = match[2];
  if (service !== 'dkr.ecr' && service !== 'dkr-ecr' && editDistance(service, service.includes('-') ? 'dkr-ecr' : 'dkr.ecr') > 2) return undefined;
  const accountEnd = start + match[1].length;
  const serviceEnd = accountEnd + 1 + service.length;
  const regionStart = serviceEnd + (match[3]?.length ?? 0) + 1;
  const domainStart = regionStart + match[4].length + 1;
  return new HostView(document, start, accountEnd, serviceEnd, regionStart, domainStart, domainStart + match[5].length);
}

function uriReference(text: string, match: RegExpMatchArray): FoundReference | undefined {
  const start = match.index!;
  const end = start + match[0].length;
  if (TEMPLATE_NEIGHBOURS.has(text[start - 1]) || TEMPLATE_NEIGHBOURS.has(text[end]) || text[end] === ':' || text[end] === '@') return undefined;
  if (isFormatString(text, start)) return undefined;
  const host = hostOf(text, match, start);
  if (!host) return undefined;
  const path = match[6] ?? '';
  const tagLength = match[7]?.length ?? 0;
  const digestLength = match[8]?.length ?? 0;
  let slashes = 0;
  while (path[slashes] === '/') slashes++;
  if (slashes === path.length) {
    // A host alone: a registry, not an image. `host/` is a prefix the code appends a name to (a
    // concatenation, a format), and a tag or digest on a bare host is no reference at all.
    if (path || match[7] !== undefined || match[8] !== undefined) return undefined;
    return new UriView(text, 'registry', host, start, end, end, -1, -1);
  }
  const repositoryStart = host.hostEnd + slashes;
  const repositoryEnd = host.hostEnd + path.length;
  return new UriView(text, 'uri', host, start, end, repositoryStart, match[7] !== undefined ? repositoryEnd + 1 : -1, match[8] !== undefined ? repositoryEnd + tagLength + 1 : -1, repositoryEnd, digestLength);
}

/** A full-URI (or bare host) reference as a view on the document: its parts are sliced out when read. */
class UriView implements FoundReference {
  private keyRead = false;
  private keyFound: string | undefined;
  constructor(
    private readonly document: string,
    readonly form: 'uri' | 'registry',
    readonly host: HostView,
    /** Where the reference starts (the span's start, without making the span). */
    readonly start: number,
    private readonly end: number,
    private readonly repositoryStart: number,
    /** -1 when there is no tag. */
    private readonly tagStart: number,
    /** -1 when there is no digest. */
    private readonly digestStart: number,
    private readonly repositoryEnd = repositoryStart,
    private readonly digestLength = 0,
  ) {}
  get span(): Span {
    return { start: this.start, end: this.end };
  }
  get repository(): Part | undefined {
    if (this.form === 'registry') return undefined;
    return { text: this.document.slice(this.repositoryStart, this.repositoryEnd), span: { start: this.repositoryStart, end: this.repositoryEnd } };
  }
  get tag(): Part | undefined {
    if (this.tagStart < 0) return undefined;
    const end = this.digestStart >= 0 ? this.digestStart - 1 : this.end;
    return { text: this.document.slice(this.tagStart, end), span: { start: this.tagStart, end } };
  }
  get digest(): Part | undefined {
    if (this.digestStart < 0) return undefined;
    const end = this.digestStart + this.digestLength - 1;
    return { text: this.document.slice(this.digestStart, end), span: { start: this.digestStart, end } };
  }
  get key(): string | undefined {
    if (!this.keyRead) {
      this.keyFound = keyBefore(this.document, this.start);
      this.keyRead = true;
    }
    return this.keyFound;
  }
}

/** True when the string literal around `offset` on its line is a Python f-string with a replacement field. */
function isFormatString(text: string, offset: number): boolean {
  let quote = offset - 1;
  const floor = Math.max(0, offset - 300);
  while (quote >= floor && text[quote] !== '"' && text[quote] !== "'" && text[quote] !== '\n') quote--;
  if (quote < floor || text[quote] === '\n') return false;
  const prefix = text.slice(Math.max(0, quote - 2), quote);
  if (!/(?:^|[^\w])[fF][rR]?$|(?:^|[^\w])[rR][fF]$/.test(prefix.length < 2 ? ` ${prefix}` : prefix)) return false;
  const close = text.indexOf(text[quote], offset);
  return text.slice(quote, close < 0 ? offset : close).includes('{');
}

/** `image` in `image: …`, `"image": "…"`, `image = "…"`, `- image: …` before `offset` on its line. */
function keyBefore(text: string, offset: number): string | undefined {
  let i = offset - 1;
  const skipBlanks = () => {
    while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  };
  if (text[i] === '"' || text[i] === "'") i--;
  skipBlanks();
  if (text[i] !== ':' && text[i] !== '=') return undefined;
  i--;
  skipBlanks();
  if (text[i] === '"' || text[i] === "'") i--;
  const end = i + 1;
  while (i >= 0 && isKeyCharacter(text.charCodeAt(i))) i--;
  const key = text.slice(i + 1, end);
  return key && !/^[\d.-]/.test(key) ? key : undefined;
}

/** `[A-Za-z0-9_.-]`, a key's characters. */
function isKeyCharacter(code: number): boolean {
  return isHostCharacter(code);
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
function imageSpecReferences(text: string, uris: readonly FoundReference[]): FoundReference[] {
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

function aqueductReferences(text: string): FoundReference[] {
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

function helmReferences(text: string, found: FoundReference[]): FoundReference[] {
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
