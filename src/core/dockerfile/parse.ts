/**
 * A small model of a Dockerfile over dockerfile-ast: instructions with their keyword, flags and
 * argument ranges, build stages with their base image (ARG defaults substituted, stage
 * references followed), heredocs and the escape directive. Rules read this model only.
 */
import { DockerfileParser, From, Instruction, Arg, ModifiableInstruction } from 'dockerfile-ast';
import type { Range } from './text';
import { splitLines } from './text';
import { splitImageReference, type ImageReference } from '../imageReference';

export { splitImageReference, type ImageReference };

export interface Word {
  /** The argument as dockerfile-ast reports it (escaped newlines removed, quotes kept). */
  value: string;
  range: Range;
}

export interface FlagInfo {
  name: string;
  value: string | null;
  range: Range;
  /** Covers the leading "--" and the name. */
  nameRange: Range;
}

export interface HeredocInfo {
  name: string;
  startRange: Range;
  contentRange: Range | null;
  closed: boolean;
}

export interface InstructionInfo {
  index: number;
  /** Upper-cased keyword as written (may be an unknown word for broken lines). */
  keyword: string;
  keywordRange: Range;
  range: Range;
  /** Arguments after any flags. */
  args: Word[];
  /** Every word after the keyword, flags included (what CMD/ENTRYPOINT really hand the shell). */
  rawArgs: Word[];
  flags: FlagInfo[];
  heredocs: HeredocInfo[];
  /** Index of the build stage, -1 before the first FROM. */
  stage: number;
  /**
   * The cached parse this instruction was made from: the same object on every lint while the
   * instruction's text is unchanged, so work derived from the text can be cached on it.
   */
  origin?: object;
}


export interface FromInfo {
  instruction: InstructionInfo;
  /** The image argument as written, e.g. "aqueducthq/function${PY}:${VERSION}". */
  written: string | undefined;
  /** The image with ARG defaults substituted; undefined when a variable has no default. */
  image: ImageReference | undefined;
  /** Whether the written image uses variables (ranges below then cover the whole argument). */
  usesVariables: boolean;
  imageRange: Range | undefined;
  nameRange: Range | undefined;
  tagRange: Range | undefined;
  stageName: string | undefined;
  /** When the FROM names an earlier stage ("FROM build"), that stage's index. */
  parentStage: number | undefined;
}

export interface Stage {
  index: number;
  from: FromInfo;
  instructions: InstructionInfo[];
}

export interface DockerfileModel {
  text: string;
  lines: string[];
  escapeChar: string;
  instructions: InstructionInfo[];
  stages: Stage[];
  /** ARG defaults declared before the first FROM (null: declared without a default). */
  globalArgs: Map<string, string | null>;
}

/** Replaces $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:+alt}; undefined if one can't be resolved. */
export function substituteVariables(text: string, values: ReadonlyMap<string, string | null>): string | undefined {
  let unresolved = false;
  const result = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_match, braced, operator, operand, bare) => {
    const name = (braced ?? bare) as string;
    const value = values.get(name);
    const isSet = value !== undefined && value !== null;
    const isNonEmpty = isSet && value !== '';
    if (operator === ':-') return isNonEmpty ? value! : operand;
    if (operator === '-') return isSet ? value! : operand;
    if (operator === ':+') return isNonEmpty ? operand : '';
    if (operator === '+') return isSet ? operand : '';
    if (!isSet) {
      unresolved = true;
      return '';
    }
    return value!;
  });
  return unresolved ? undefined : result;
}

function toWord(argument: { getValue(): string; getRange(): Range }): Word {
  return { value: argument.getValue(), range: argument.getRange() };
}

function stripQuotes(value: string): string {
  return value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0] ? value.slice(1, -1) : value;
}

function describeInstruction(node: Instruction, index: number, stage: number): InstructionInfo {
  const rawArgs = Instruction.prototype.getArguments.call(node).map(toWord);
  let args = rawArgs;
  let flags: FlagInfo[] = [];
  const keyword = node.getKeyword();
  // Only ask dockerfile-ast for flags when there can be some: each call re-tokenises the arguments.
  const mayHaveFlags = rawArgs.length > 0 && (rawArgs[0].value.includes('--') || keyword === 'HEALTHCHECK');
  if (node instanceof ModifiableInstruction && mayHaveFlags) {
    args = node.getArguments().map(toWord);
    flags = node.getFlags().map((flag) => {
      const nameRange = flag.getNameRange();
      return {
        name: flag.getName(),
        value: flag.getValue(),
        range: flag.getRange(),
        // The reported name range starts after "--"; the token a person sees includes it.
        nameRange: { start: { line: nameRange.start.line, character: Math.max(0, nameRange.start.character - 2) }, end: nameRange.end },
      };
    });
  }
  // getHeredocs is protected on Instruction and public only on Copy and Run, but ADD's heredocs are
  // read through the same method at run time; the cast reaches it for all three.
  const heredocSource = node as unknown as { getHeredocs?: () => Array<import('dockerfile-ast').Heredoc> };
  const heredocs: HeredocInfo[] =
    (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') && typeof heredocSource.getHeredocs === 'function' && rawArgs.some((word) => word.value.includes('<<'))
      ? heredocSource.getHeredocs().map((heredoc) => ({
          name: heredoc.getName(),
          startRange: heredoc.getStartRange(),
          contentRange: heredoc.getContentRange(),
          closed: heredoc.getDelimiterRange() !== null,
        }))
      : [];
  // origin is set on the copies shiftInstruction makes; declared here so every copy has one shape (V8 clones it fast).
  return { index, keyword, keywordRange: node.getInstructionRange(), range: node.getRange(), args, rawArgs, flags, heredocs, stage, origin: undefined };
}

function describeFrom(libraryRanges: LibraryFromRanges, instruction: InstructionInfo, globalArgs: Map<string, string | null>, stages: Stage[]): FromInfo {
  const args = instruction.args;
  const written = args.length > 0 ? args[0].value : undefined;
  const usesVariables = written !== undefined && written.includes('$');
  let image: ImageReference | undefined;
  if (written !== undefined) {
    const resolved = usesVariables ? substituteVariables(written, globalArgs) : written;
    image = resolved === undefined || resolved === '' ? undefined : splitImageReference(resolved);
  }
  const imageRange = args.length > 0 ? args[0].range : undefined;
  let nameRange: Range | undefined = imageRange;
  let tagRange: Range | undefined = usesVariables && image?.tag !== undefined ? imageRange : undefined;
  if (!usesVariables && image && imageRange && written !== undefined) {
    if (imageRange.start.line === imageRange.end.line && imageRange.end.character - imageRange.start.character === written.length) {
      // Computed here: dockerfile-ast's name range leaves out a registry prefix.
      const { line, character } = imageRange.start;
      nameRange = { start: imageRange.start, end: { line, character: character + image.name.length } };
      if (image.tag !== undefined) {
        const tagStart = character + image.name.length + 1;
        tagRange = { start: { line, character: tagStart }, end: { line, character: tagStart + image.tag.length } };
      }
    } else {
      nameRange = libraryRanges.name ?? imageRange;
      tagRange = libraryRanges.tag;
    }
  }
  const stageName = args.length >= 3 && args[1].value.toUpperCase() === 'AS' ? args[2].value : undefined;
  let parentStage: number | undefined;
  if (image && image.tag === undefined && image.digest === undefined) {
    const wanted = image.name.toLowerCase();
    for (let i = stages.length - 1; i >= 0; i--) {
      if (stages[i].from.stageName?.toLowerCase() === wanted) {
        parentStage = i;
        break;
      }
    }
  }
  return { instruction, written, image, usesVariables, imageRange, nameRange, tagRange, stageName, parentStage };
}

/** What dockerfile-ast says about one instruction, with ranges relative to its chunk. */
interface ParsedInstruction {
  info: InstructionInfo;
  /** dockerfile-ast's image name/tag ranges, used when the image argument spans lines. */
  fromRanges?: LibraryFromRanges;
  argProperty?: { name: string; value: string | null };
}

interface LibraryFromRanges {
  name: Range | undefined;
  tag: Range | undefined;
}

function describeNode(node: Instruction): ParsedInstruction {
  const info = describeInstruction(node, 0, -1);
  const parsed: ParsedInstruction = { info };
  if (node instanceof From) {
    const multiLine = info.args.length > 0 && info.args[0].range.start.line !== info.args[0].range.end.line;
    parsed.fromRanges = multiLine ? { name: node.getImageNameRange() ?? undefined, tag: node.getImageTagRange() ?? undefined } : { name: undefined, tag: undefined };
  } else if (node instanceof Arg) {
    const property = node.getProperty();
    if (property) parsed.argProperty = { name: property.getName(), value: property.getValue() };
  }
  return parsed;
}

function shiftRange(range: Range, lines: number): Range {
  return { start: { line: range.start.line + lines, character: range.start.character }, end: { line: range.end.line + lines, character: range.end.character } };
}

function shiftWord<T extends { range: Range }>(word: T, lines: number): T {
  return { ...word, range: shiftRange(word.range, lines) };
}

function shiftInstruction(parsed: ParsedInstruction, lines: number): ParsedInstruction {
  if (lines === 0) return { ...parsed, info: { ...parsed.info, origin: parsed.info } };
  const info = parsed.info;
  const args = info.args.map((word) => shiftWord(word, lines));
  return {
    ...parsed,
    fromRanges: parsed.fromRanges && {
      name: parsed.fromRanges.name && shiftRange(parsed.fromRanges.name, lines),
      tag: parsed.fromRanges.tag && shiftRange(parsed.fromRanges.tag, lines),
    },
    info: {
      ...info,
      origin: info,
      keywordRange: shiftRange(info.keywordRange, lines),
      range: shiftRange(info.range, lines),
      args,
      rawArgs: info.args === info.rawArgs ? args : info.rawArgs.map((word) => shiftWord(word, lines)),
      flags: info.flags.map((flag) => ({ ...flag, range: shiftRange(flag.range, lines), nameRange: shiftRange(flag.nameRange, lines) })),
      heredocs: info.heredocs.map((heredoc) => ({
        ...heredoc,
        startRange: shiftRange(heredoc.startRange, lines),
        contentRange: heredoc.contentRange && shiftRange(heredoc.contentRange, lines),
      })),
    },
  };
}

/**
 * Parsed instructions by chunk text. Typing changes one instruction at a time, so re-linting a
 * large file re-parses only what changed; dockerfile-ast alone takes ~7 µs per line.
 */
const chunkCache = new Map<string, ParsedInstruction[]>();
const CHUNK_CACHE_LIMIT = 20_000;

/** Forgets cached chunks (benchmarks measure a cold parse with it). */
export function clearParseCache(): void {
  chunkCache.clear();
}

function parseChunk(chunk: string, escapePrefix: string): ParsedInstruction[] {
  const key = escapePrefix + chunk;
  const cached = chunkCache.get(key);
  if (cached) return cached;
  const parsed = DockerfileParser.parse(key).getInstructions().map(describeNode);
  const prefixLines = escapePrefix === '' ? 0 : 1;
  const result = prefixLines === 0 ? parsed : parsed.map((instruction) => shiftInstruction(instruction, -prefixLines));
  if (chunkCache.size >= CHUNK_CACHE_LIMIT) chunkCache.clear();
  chunkCache.set(key, result);
  return result;
}

const BLANK_OR_COMMENT = /^[ \t]*(#|$)/;

/** dockerfile-ast's reading of a heredoc operator ("<<EOF", "<<-'EOF'"): the delimiter, or null. */
function heredocName(value: string): string | null {
  let name = value.substring(2);
  if (name.charAt(0) === '-') name = name.substring(1);
  for (const quote of ['"', "'"]) {
    if (name.charAt(0) === quote) {
      if (name.charAt(name.length - 1) !== quote) return null;
      name = name.substring(1, name.length - 1);
    }
  }
  return name.charAt(0) === '<' ? null : name;
}

interface Chunk {
  start: number;
  end: number;
  /** Ends with a heredoc delimiter: parse with a trailing newline so the delimiter counts. */
  heredoc: boolean;
}

/**
 * Splits the file into one chunk per instruction, exactly where dockerfile-ast would (the fuzz
 * test checks this against a whole-file parse), or returns undefined for the inputs it reads in
 * its own way (a lone \r after an escape is taken as \r\n, a byte-order mark, NUL bytes, ONBUILD
 * with a heredoc): those files are parsed whole.
 */
function instructionChunks(text: string, lines: string[]): { escapeChar: string; escapePrefix: string; chunks: Chunk[] } | undefined {
  if (text.charCodeAt(0) === 0xfeff || text.includes('\0') || /\r(?!\n)/.test(text)) return undefined;
  // The escape directive can only be in the leading comment lines; dockerfile-ast reads them exactly.
  let line = 0;
  while (line < lines.length && /^[ \t]*#/.test(lines[line])) line++;
  const escapeChar = line === 0 ? '\\' : DockerfileParser.parse(lines.slice(0, line).join('\n')).getEscapeCharacter();
  const escapePrefix = escapeChar === '\\' ? '' : `# escape=${escapeChar}\n`;
  const chunks: Chunk[] = [];
  const continues = (content: string) => content.replace(/[ \t]+$/, '').endsWith(escapeChar);
  while (line < lines.length) {
    const content = lines[line];
    if (BLANK_OR_COMMENT.test(content)) {
      line++;
      continue;
    }
    if (content.replace(/^[ \t]+/, '').startsWith(escapeChar)) return undefined;
    const start = line;
    let open = continues(content);
    let mayHaveHeredoc = content.includes('<');
    line++;
    while (open && line < lines.length) {
      const next = lines[line];
      line++;
      if (BLANK_OR_COMMENT.test(next)) continue;
      if (next.includes('<')) mayHaveHeredoc = true;
      open = continues(next);
    }
    let end = line - 1;
    let heredoc = false;
    if (mayHaveHeredoc) {
      const parsed = parseChunk(lines.slice(start, end + 1).join('\n'), escapePrefix);
      if (parsed.length !== 1) return undefined;
      const { keyword, args } = parsed[0].info;
      if (keyword === 'ONBUILD') return undefined;
      if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
        const operators = args.filter((word) => word.value.startsWith('<<') && word.value.length > 2);
        const tabbed = operators.some((word) => word.value.startsWith('<<-'));
        const names = operators.map((word) => heredocName(word.value)).filter((name): name is string => name !== null);
        // Each body runs to a line that is exactly its delimiter (tabs stripped for <<-), followed by a newline.
        for (const name of names) {
          heredoc = true;
          let found = -1;
          for (let candidate = end + 1; candidate < lines.length - 1; candidate++) {
            const body = tabbed ? lines[candidate].replace(/^\t+/, '') : lines[candidate];
            if (body.length > 0 && body === name) {
              found = candidate;
              break;
            }
          }
          if (found < 0) {
            // Never closed: the body runs to the end of the file, as in a whole-file parse.
            end = lines.length - 1;
            heredoc = false;
            break;
          }
          end = found;
        }
        line = end + 1;
      }
    }
    chunks.push({ start, end, heredoc });
  }
  return { escapeChar, escapePrefix, chunks };
}

function parseInstructions(text: string, lines: string[]): { escapeChar: string; parsed: ParsedInstruction[] } {
  const split = instructionChunks(text, lines);
  if (!split) {
    const document = DockerfileParser.parse(text);
    return { escapeChar: document.getEscapeCharacter(), parsed: document.getInstructions().map(describeNode) };
  }
  const parsed: ParsedInstruction[] = [];
  for (const { start, end, heredoc } of split.chunks) {
    const chunk = start === end ? lines[start] : lines.slice(start, end + 1).join('\n');
    for (const instruction of parseChunk(heredoc ? `${chunk}\n` : chunk, split.escapePrefix)) parsed.push(shiftInstruction(instruction, start));
  }
  return { escapeChar: split.escapeChar, parsed };
}

/** Parses without the chunk cache: the reference the chunked parse is tested against. */
export function parseDockerfileWhole(text: string): DockerfileModel {
  const document = DockerfileParser.parse(text);
  return buildModel(text, splitLines(text), document.getEscapeCharacter(), document.getInstructions().map(describeNode));
}

export function parseDockerfile(text: string): DockerfileModel {
  const lines = splitLines(text);
  const { escapeChar, parsed } = parseInstructions(text, lines);
  return buildModel(text, lines, escapeChar, parsed);
}

function buildModel(text: string, lines: string[], escapeChar: string, parsed: ParsedInstruction[]): DockerfileModel {
  const globalArgs = new Map<string, string | null>();
  const instructions: InstructionInfo[] = [];
  const stages: Stage[] = [];
  for (const { info, fromRanges, argProperty } of parsed) {
    const stageIndex = info.keyword === 'FROM' ? stages.length : stages.length - 1;
    const instruction: InstructionInfo = info;
    instruction.index = instructions.length;
    instruction.stage = stageIndex;
    instructions.push(instruction);
    if (info.keyword === 'FROM') {
      stages.push({ index: stageIndex, from: describeFrom(fromRanges ?? { name: undefined, tag: undefined }, instruction, globalArgs, stages), instructions: [instruction] });
    } else if (stageIndex >= 0) {
      stages[stageIndex].instructions.push(instruction);
    } else if (argProperty) {
      globalArgs.set(argProperty.name, argProperty.value === null ? null : stripQuotes(argProperty.value));
    }
  }
  return { text, lines, escapeChar, instructions, stages, globalArgs };
}

/** The stage a FROM chain starts from: follows "FROM <earlier stage>" back to a real image. */
export function rootStage(model: DockerfileModel, stageIndex: number): Stage | undefined {
  let stage = model.stages[stageIndex];
  for (let guard = 0; stage && stage.from.parentStage !== undefined && guard < model.stages.length; guard++) {
    stage = model.stages[stage.from.parentStage];
  }
  return stage;
}

/** The final stage and every stage it builds on, final first: what ends up in the built image. */
export function finalStageChain(model: DockerfileModel): Stage[] {
  const chain: Stage[] = [];
  let stage: Stage | undefined = model.stages[model.stages.length - 1];
  while (stage && chain.length <= model.stages.length) {
    chain.push(stage);
    stage = stage.from.parentStage !== undefined ? model.stages[stage.from.parentStage] : undefined;
  }
  return chain;
}
