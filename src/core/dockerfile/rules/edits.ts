/** Text edits shared by the rules' quick fixes. */
import type { DockerfileModel, InstructionInfo } from '../parse';
import type { Position, Range, TextEdit } from '../text';

export function insertAt(position: Position, newText: string): TextEdit {
  return { range: { start: position, end: position }, newText };
}

export function replaceRange(range: Range, newText: string): TextEdit {
  return { range, newText };
}

/** Deletes an instruction's whole lines (heredoc bodies included), leaving no blank line behind. */
export function removeInstruction(model: DockerfileModel, instruction: InstructionInfo): TextEdit {
  const startLine = instruction.range.start.line;
  const endLine = instruction.range.end.line;
  if (endLine + 1 < model.lines.length) {
    return replaceRange({ start: { line: startLine, character: 0 }, end: { line: endLine + 1, character: 0 } }, '');
  }
  if (startLine > 0) {
    const previous = model.lines[startLine - 1];
    return replaceRange({ start: { line: startLine - 1, character: previous.length }, end: { line: endLine, character: model.lines[endLine].length } }, '');
  }
  return replaceRange({ start: { line: 0, character: 0 }, end: { line: endLine, character: model.lines[endLine]?.length ?? 0 } }, '');
}

/** Indentation of the line an instruction starts on, for inserting lines above it. */
export function indentationOf(model: DockerfileModel, line: number): string {
  return /^[ \t]*/.exec(model.lines[line] ?? '')![0];
}

/** The end of a word list's range: from the first word's start to the last word's end. */
export function spanOf(words: ReadonlyArray<{ range: Range }>): Range {
  return { start: words[0].range.start, end: words[words.length - 1].range.end };
}
