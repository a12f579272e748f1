/**
 * What BuildKit's parser (frontend/dockerfile/parser/parser.go) knows about each instruction that
 * the shared model does not keep: the keyword as written, the comments right above it (`#` alone
 * starts them afresh; blank lines do not; parser directives are not comments), the logical line
 * with continuations joined, and whether an empty line sat inside a continuation.
 */
import type { DockerfileModel, InstructionInfo } from '../parse';

/** One per model instruction, in order: `scanned[instruction.index]`. */
export interface ScannedInstruction {
  instruction: InstructionInfo;
  /** The keyword exactly as typed ("From", "copy"). */
  written: string;
  /** Comment texts above the instruction (after "#", trimmed), BuildKit's PrevComment. */
  comments: string[];
  /** 0-based last line of the instruction before any heredoc body (BuildKit's location for NoEmptyContinuation). */
  logicalEndLine: number;
  /** The instruction's text with continuations joined and comment lines dropped, keyword excluded. */
  argumentText: string;
  hasEmptyContinuation: boolean;
}

function isCommentLine(line: string): boolean {
  return /^\s*#/.test(line);
}

function continuation(line: string, escape: string): { text: string; open: boolean } {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  const trimmed = end === line.length ? line : line.slice(0, end);
  // BuildKit: `([^\\])\\[ \t]*$`, with the escape character in place of the backslash.
  if (trimmed.length >= 2 && trimmed.endsWith(escape) && trimmed[trimmed.length - 2] !== escape) return { text: trimmed.slice(0, -1), open: true };
  if (trimmed === escape) return { text: '', open: true };
  return { text: line, open: false };
}

interface Logical {
  written: string;
  argumentText: string;
  /** Lines from the keyword's line to the last logical line. */
  span: number;
  hasEmptyContinuation: boolean;
}

/**
 * By the parse's cached instruction (`origin`, the same object while the instruction's text is
 * unchanged): typing re-reads only the instruction that changed.
 */
const logicalCache = new WeakMap<object, Logical>();

function readLogical(lines: readonly string[], escapeChar: string, instruction: DockerfileModel['instructions'][number]): Logical {
  const start = instruction.keywordRange.start.line;
  const written = lines[start].slice(instruction.keywordRange.start.character, instruction.keywordRange.end.character);
  let { text, open } = continuation(lines[start].slice(instruction.keywordRange.end.character), escapeChar);
  const parts = [text];
  let end = start;
  let hasEmptyContinuation = false;
  for (let line = start + 1; open && line < lines.length; line++) {
    end = line;
    const content = lines[line];
    if (isCommentLine(content)) continue;
    if (content.trim() === '') {
      hasEmptyContinuation = true;
      continue;
    }
    ({ text, open } = continuation(content, escapeChar));
    parts.push(text);
  }
  return { written, argumentText: parts.join('').trim(), span: end - start, hasEmptyContinuation };
}

export function scanInstructions(model: DockerfileModel, directiveLines: ReadonlySet<number>): ScannedInstruction[] {
  const { lines, escapeChar } = model;
  const result: ScannedInstruction[] = [];
  let previousEnd = -1;
  for (const instruction of model.instructions) {
    const start = instruction.keywordRange.start.line;
    const comments: string[] = [];
    for (let line = previousEnd + 1; line < start; line++) {
      if (directiveLines.has(line) || !isCommentLine(lines[line])) continue;
      const text = lines[line].replace(/^\s*#/, '').trim();
      if (text === '') comments.length = 0;
      else comments.push(text);
    }
    const origin = instruction.origin;
    let logical = origin ? logicalCache.get(origin) : undefined;
    if (!logical) {
      logical = readLogical(lines, escapeChar, instruction);
      if (origin) logicalCache.set(origin, logical);
    }
    const end = start + logical.span;
    result.push({ instruction, written: logical.written, comments, logicalEndLine: end, argumentText: logical.argumentText, hasEmptyContinuation: logical.hasEmptyContinuation });
    previousEnd = Math.max(instruction.range.end.line, end);
  }
  return result;
}
