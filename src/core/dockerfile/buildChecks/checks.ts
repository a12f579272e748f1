/**
 * The build checks themselves, each as BuildKit runs it (frontend/dockerfile/instructions/parse.go,
 * dockerfile2llb/convert.go, validations.go, convert_expose.go), over the whole file as
 * `docker build --check` does (every stage, not only those the target needs). Here: the shared
 * types and the checks over the whole file (casing, continuations, stages, MAINTAINER,
 * descriptions); the per-stage instruction checks are in stageChecks.ts, FROM's in fromChecks.ts.
 */
import type { DockerfileModel, InstructionInfo } from '../parse';
import type { Fix } from '../rules/types';
import type { Range } from '../text';
import { insertAt, replaceRange } from '../rules/edits';
import type { ScannedInstruction } from './scan';
import { splitWords } from './words';

export interface BuildCheckFinding {
  ruleId: string;
  message: string;
  range: Range;
  fixes: Fix[];
  /** The instruction whose `# check=` comment applies (undefined: only the file's directive applies). */
  governing: ScannedInstruction | undefined;
  /** Lines where an overlapping hadolint rule reports the same thing (default: the finding's line). */
  overlapLines?: number[];
}

export interface CheckInput {
  model: DockerfileModel;
  scanned: ScannedInstruction[];
  /** .dockerignore patterns of the build context (comments and blank lines dropped); undefined when there is none. */
  ignorePatterns: readonly string[] | undefined;
  /** Matcher for .dockerignore (a line matching a folder matches what is under it). */
  ignores: ((path: string) => boolean) | undefined;
  report(finding: BuildCheckFinding): void;
}

const RESERVED_STAGE_NAMES = new Set(['context', 'scratch']);
const KNOWN_INSTRUCTIONS = new Set(['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/** The range of `text` on the instruction's first line, else the keyword. */
export function rangeOf(model: DockerfileModel, instruction: InstructionInfo, text: string, from = instruction.keywordRange.end.character): Range {
  const line = instruction.keywordRange.start.line;
  const at = text === '' ? -1 : model.lines[line].indexOf(text, from);
  if (at < 0) return instruction.keywordRange;
  return { start: { line, character: at }, end: { line, character: at + text.length } };
}

function selfConsistent(word: string): boolean {
  return word === word.toLowerCase() || word === word.toUpperCase();
}

export function checkCasing(input: CheckInput): void {
  const { scanned, report } = input;
  const inStages = scanned.filter((entry) => entry.instruction.stage >= 0 && KNOWN_INSTRUCTIONS.has(entry.instruction.keyword));
  let lower = 0;
  let upper = 0;
  for (const { written } of inStages) {
    if (!selfConsistent(written)) continue;
    if (written === written.toLowerCase()) lower++;
    else upper++;
  }
  const majorityLower = lower > upper;
  for (const entry of inStages) {
    const { written, instruction } = entry;
    const wanted = majorityLower ? written.toLowerCase() : written.toUpperCase();
    if (wanted === written) continue;
    report({
      ruleId: 'ConsistentInstructionCasing',
      message: `Command '${written}' should match the case of the command majority (${majorityLower ? 'lowercase' : 'uppercase'})`,
      range: instruction.keywordRange,
      fixes: [{ title: `Write ${wanted}`, edits: [replaceRange(instruction.keywordRange, wanted)], preferred: true }],
      governing: undefined,
    });
  }
}

export function checkContinuations(input: CheckInput): void {
  for (const entry of input.scanned) {
    if (!entry.hasEmptyContinuation) continue;
    const line = entry.logicalEndLine;
    input.report({
      ruleId: 'NoEmptyContinuation',
      message: 'Empty continuation line',
      range: { start: { line, character: 0 }, end: { line, character: input.model.lines[line].length } },
      fixes: emptyContinuationFix(input.model, entry),
      governing: undefined,
    });
  }
}

function emptyContinuationFix(model: DockerfileModel, entry: ScannedInstruction): Fix[] {
  const start = entry.instruction.keywordRange.start.line;
  const edits = [];
  for (let line = start + 1; line <= entry.logicalEndLine; line++) {
    if (model.lines[line].trim() === '') edits.push(replaceRange({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, ''));
  }
  return edits.length > 0 ? [{ title: 'Remove the empty continuation lines', edits, preferred: true }] : [];
}

export function checkStages(input: CheckInput): void {
  const { model, scanned, report } = input;
  const seen = new Set<string>();
  for (const stage of model.stages) {
    const instruction = stage.from.instruction;
    const entry = scanned[instruction.index];
    const args = instruction.args;
    if (args.length === 3) {
      const written = args[2].value;
      if (written !== written.toLowerCase()) {
        report({
          ruleId: 'StageNameCasing',
          message: `Stage name '${written}' should be lowercase`,
          range: args[2].range,
          fixes: [{ title: `Rename the stage ${written.toLowerCase()}`, edits: [replaceRange(args[2].range, written.toLowerCase())], preferred: true }],
          governing: entry,
        });
      }
    }
    if (args.length >= 3 && entry) {
      const from = entry.written;
      const as = args[1].value;
      const fromLower = from === from.toLowerCase();
      const fromUpper = from === from.toUpperCase();
      if ((fromLower && as !== as.toLowerCase()) || (!fromLower && fromUpper && as !== as.toUpperCase())) {
        const wanted = fromLower ? as.toLowerCase() : as.toUpperCase();
        report({
          ruleId: 'FromAsCasing',
          message: `'${as}' and '${from}' keywords' casing do not match`,
          range: args[1].range,
          fixes: [{ title: `Write ${wanted}`, edits: [replaceRange(args[1].range, wanted)], preferred: true }],
          governing: entry,
        });
      }
    }
    const name = stage.from.stageName?.toLowerCase();
    if (name === undefined || args.length < 3) continue;
    if (RESERVED_STAGE_NAMES.has(name)) {
      report({ ruleId: 'ReservedStageName', message: `Stage name should not use the same name as reserved stage "${name}"`, range: args[2].range, fixes: [], governing: undefined });
    }
    if (seen.has(name)) {
      report({ ruleId: 'DuplicateStageName', message: `Duplicate stage name "${name}", stage names should be unique`, range: args[2].range, fixes: [], governing: undefined });
    }
    seen.add(name);
  }
}

export function checkMaintainer(input: CheckInput): void {
  for (const entry of input.scanned) {
    const { instruction } = entry;
    if (instruction.keyword !== 'MAINTAINER') continue;
    const author = entry.argumentText.replace(/^(["'])(.*)\1$/, '$2');
    const label = `LABEL org.opencontainers.image.authors=${JSON.stringify(author)}`;
    input.report({
      ruleId: 'MaintainerDeprecated',
      message: 'Maintainer instruction is deprecated in favor of using label',
      range: instruction.keywordRange,
      fixes: author ? [{ title: `Replace with ${label}`, edits: [replaceRange({ start: instruction.keywordRange.start, end: instruction.range.end }, label)], preferred: true }] : [],
      governing: entry,
    });
  }
}

/** InvalidDefinitionDescription (experimental): a comment right above ARG or a named FROM starts with the name. */
export function checkDescriptions(input: CheckInput): void {
  for (const entry of input.scanned) {
    const { instruction } = entry;
    if (entry.comments.length === 0) continue;
    let keys: string[];
    let name: string;
    if (instruction.keyword === 'ARG') {
      keys = splitWords(entry.argumentText, input.model.escapeChar).map((word) => word.split('=')[0]);
      name = 'ARG';
    } else if (instruction.keyword === 'FROM' && instruction.args.length >= 3 && instruction.args[1].value.toUpperCase() === 'AS') {
      keys = [instruction.args[2].value.toLowerCase()];
      name = 'FROM';
    } else continue;
    if (keys.length === 0) continue;
    const first = entry.comments[entry.comments.length - 1].split(' ')[0];
    if (keys.includes(first)) continue;
    const example = keys.length > 1 ? '<arg_key>' : keys[0];
    const line = instruction.keywordRange.start.line;
    input.report({
      ruleId: 'InvalidDefinitionDescription',
      message: `Comment for ${name} should follow the format: \`# ${example} <description>\``,
      range: instruction.keywordRange,
      fixes: [{ title: 'Separate the comment from the instruction (an empty comment line)', edits: [insertAt({ line, character: 0 }, '#\n')] }],
      governing: entry,
    });
  }
}
