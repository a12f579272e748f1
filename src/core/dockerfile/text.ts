/** Plain positions and edits (0-based, like VS Code and LSP) so core code never needs `vscode`. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

export function containsPosition(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}

/** Splits like VS Code does: \r\n, \n and lone \r all end a line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Offsets of each line start, for turning positions into string offsets. */
export function lineOffsets(text: string): number[] {
  const offsets = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      offsets.push(i + 1);
    } else if (c === 10 /* \n */) {
      offsets.push(i + 1);
    }
  }
  return offsets;
}

function offsetAt(text: string, offsets: number[], p: Position): number {
  if (p.line >= offsets.length) return text.length;
  const lineStart = offsets[Math.max(0, p.line)];
  const nextLine = p.line + 1 < offsets.length ? offsets[p.line + 1] : text.length;
  return Math.min(lineStart + Math.max(0, p.character), nextLine);
}

/**
 * Applies non-overlapping edits as VS Code would (all ranges refer to the original text).
 * Used by tests to check what a quick fix leaves in the buffer.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const offsets = lineOffsets(text);
  const resolved = edits
    .map((edit, order) => ({ start: offsetAt(text, offsets, edit.range.start), end: offsetAt(text, offsets, edit.range.end), newText: edit.newText, order }))
    .sort((a, b) => b.start - a.start || b.order - a.order);
  let result = text;
  for (const edit of resolved) {
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  }
  return result;
}
