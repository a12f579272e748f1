import { parseRegistryHost, type RegistryHost } from '../ecr/registryHost';
import { editDistance } from '../editDistance';
import type { FoundReference, HostParts, Part, Span } from './recognise';

/** Full URIs and bare hosts: the one scan every document gets (see `recognise.ts`), and the host and URI views it makes. */

const DOMAINS = String.raw`amazonaws\.com\.cn|amazonaws\.com|amazonaws\.eu|on\.amazonwebservices\.com\.cn|on\.aws|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov`;

/**
 * `<digits>.<service>[-fips].<region>.<domain>`, loosely: the account any number of digits, the
 * service two short words (so `dkr.ecs`, `drk.ecr`, `dkrecr` are found), the region any
 * `xx-yyy-n` shape; then the path, tag and digest characters. A candidate whose service is not
 * within 2 edits of `dkr.ecr` is some other AWS host and is dropped. Sticky: it is tried only
 * where `ANCHOR` (a partition's domain, found first because it is rare in text) says a host may
 * start, which keeps the scan near the speed of one plain regular expression.
 */
export const CANDIDATE = new RegExp(
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
export function uriReferences(text: string, found: FoundReference[]): void {
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

/** Where a reference starts, without making a span object for a view. */
export function startOf(reference: FoundReference): number {
  return reference instanceof UriView ? reference.start : reference.span.start;
}

/** References in text order (each span read once: a view's span is made when read). */
export function byStart(references: FoundReference[]): FoundReference[] {
  return references
    .map((reference) => ({ reference, start: startOf(reference) }))
    .sort((x, y) => x.start - y.start)
    .map(({ reference }) => reference);
}

export function part(text: string, start: number): Part {
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
export function hostOf(document: string, match: RegExpMatchArray | RegExpExecArray, start: number): HostView | undefined {
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
export function isKeyCharacter(code: number): boolean {
  return isHostCharacter(code);
}
