/**
 * A small model of a Dockerfile over dockerfile-ast: instructions with their keyword, flags and
 * argument ranges, build stages with their base image (ARG defaults substituted, stage
 * references followed), heredocs and the escape directive. Rules read this model only.
 */
import { DockerfileParser, From, Instruction, Arg, ModifiableInstruction } from 'dockerfile-ast';
import type { Range } from './text';
import { splitLines } from './text';

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
}

export interface ImageReference {
  name: string;
  tag: string | undefined;
  digest: string | undefined;
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

/** Splits "registry/repo:tag@sha256:..." into name, tag and digest. */
export function splitImageReference(reference: string): ImageReference {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  const slash = rest.lastIndexOf('/');
  if (colon > slash) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, tag: undefined, digest };
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
  if (node instanceof ModifiableInstruction) {
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
  const heredocSource = node as unknown as { getHeredocs?: () => Array<import('dockerfile-ast').Heredoc> };
  const keyword = node.getKeyword();
  const heredocs: HeredocInfo[] =
    (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') && typeof heredocSource.getHeredocs === 'function'
      ? heredocSource.getHeredocs().map((heredoc) => ({
          name: heredoc.getName(),
          startRange: heredoc.getStartRange(),
          contentRange: heredoc.getContentRange(),
          closed: heredoc.getDelimiterRange() !== null,
        }))
      : [];
  return { index, keyword, keywordRange: node.getInstructionRange(), range: node.getRange(), args, rawArgs, flags, heredocs, stage };
}

function describeFrom(node: From, instruction: InstructionInfo, globalArgs: Map<string, string | null>, stages: Stage[]): FromInfo {
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
      nameRange = node.getImageNameRange() ?? imageRange;
      tagRange = node.getImageTagRange() ?? undefined;
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

export function parseDockerfile(text: string): DockerfileModel {
  const document = DockerfileParser.parse(text);
  const lines = splitLines(text);
  const globalArgs = new Map<string, string | null>();
  const instructions: InstructionInfo[] = [];
  const stages: Stage[] = [];
  for (const node of document.getInstructions()) {
    const keyword = node.getKeyword();
    const stageIndex = keyword === 'FROM' ? stages.length : stages.length - 1;
    const instruction = describeInstruction(node, instructions.length, stageIndex);
    instructions.push(instruction);
    if (node instanceof From) {
      stages.push({ index: stageIndex, from: describeFrom(node, instruction, globalArgs, stages), instructions: [instruction] });
    } else if (stageIndex >= 0) {
      stages[stageIndex].instructions.push(instruction);
    } else if (node instanceof Arg) {
      const property = node.getProperty();
      if (property) {
        const value = property.getValue();
        globalArgs.set(property.getName(), value === null ? null : stripQuotes(value));
      }
    }
  }
  return { text, lines, escapeChar: document.getEscapeCharacter(), instructions, stages, globalArgs };
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
