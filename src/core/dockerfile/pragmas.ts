/**
 * Ignore pragmas: `# hadolint ignore=DL3008,DL3009` or `# ecr-lint ignore=AQ006` in the
 * comment lines right above an instruction silence those rules for that instruction;
 * `# hadolint global ignore=…` anywhere silences them for the file.
 */
import type { DockerfileModel, InstructionInfo } from './parse';
import type { Fix } from './rules/types';
import type { Range } from './text';
import { indentationOf, insertAt, replaceRange } from './rules/edits';

const PRAGMA = /^\s*#\s*(hadolint|ecr-lint)\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s]*?)\s*$/i;

export interface Ignores {
  global: Set<string>;
  /** Rule ids ignored per instruction index. */
  byInstruction: Map<number, Set<string>>;
}

function parsePragma(line: string): { global: boolean; ids: string[]; tool: string } | undefined {
  if (line.indexOf('ignore') < 0) return undefined;
  const match = PRAGMA.exec(line);
  if (!match) return undefined;
  return { tool: match[1].toLowerCase(), global: Boolean(match[2]), ids: match[3].split(/[\s,]+/).filter(Boolean).map((id) => id.toUpperCase()) };
}

function isComment(line: string | undefined): boolean {
  return line !== undefined && /^\s*#/.test(line);
}

export function collectIgnores(model: DockerfileModel): Ignores {
  const ignores: Ignores = { global: new Set(), byInstruction: new Map() };
  for (const line of model.lines) {
    if (line.indexOf('global') < 0) continue;
    const pragma = parsePragma(line);
    if (pragma?.global) pragma.ids.forEach((id) => ignores.global.add(id));
  }
  for (const instruction of model.instructions) {
    let ids: Set<string> | undefined;
    for (let line = instruction.range.start.line - 1; line >= 0 && isComment(model.lines[line]); line--) {
      const pragma = parsePragma(model.lines[line]);
      if (!pragma || pragma.global) continue;
      ids ??= new Set();
      pragma.ids.forEach((id) => ids!.add(id));
    }
    if (ids) ignores.byInstruction.set(instruction.index, ids);
  }
  return ignores;
}

/** The instruction whose lines contain `line` (binary search; instructions are in order). */
export function instructionAtLine(model: DockerfileModel, line: number): InstructionInfo | undefined {
  const list = model.instructions;
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = list[middle];
    if (line < candidate.range.start.line) high = middle - 1;
    else if (line > candidate.range.end.line) low = middle + 1;
    else return candidate;
  }
  return undefined;
}

export function isIgnored(ignores: Ignores, model: DockerfileModel, ruleId: string, range: Range): boolean {
  if (ignores.global.has(ruleId)) return true;
  if (ignores.byInstruction.size === 0) return false;
  const instruction = instructionAtLine(model, range.start.line);
  return instruction !== undefined && ignores.byInstruction.get(instruction.index)?.has(ruleId) === true;
}

/** hadolint reads `# hadolint ignore=` for its own ids and ShellCheck's; ours go in `# ecr-lint ignore=` so hadolint isn't confused. */
export function pragmaToolFor(ruleId: string): 'hadolint' | 'ecr-lint' {
  return /^(DL|SC)\d+$/.test(ruleId) ? 'hadolint' : 'ecr-lint';
}

/** `# hadolint shell=bash` anywhere in the file: the shell ShellCheck checks RUN scripts with. */
export function shellPragma(model: DockerfileModel): string | undefined {
  for (const line of model.lines) {
    if (line.indexOf('shell') < 0) continue;
    const match = /^\s*#\s*hadolint\s+shell\s*=\s*(\S+)\s*$/i.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/** "Ignore <rule> for this instruction": extends a pragma right above, or adds one. */
export function ignoreRuleFix(model: DockerfileModel, ruleId: string, range: Range): Fix | undefined {
  const instruction = instructionAtLine(model, range.start.line);
  if (!instruction) return undefined;
  const tool = pragmaToolFor(ruleId);
  const line = instruction.range.start.line;
  const above = line > 0 ? model.lines[line - 1] : undefined;
  const pragma = above !== undefined ? parsePragma(above) : undefined;
  const title = `Ignore ${ruleId} for this instruction`;
  if (pragma && !pragma.global && pragma.tool === tool) {
    const trimmedEnd = above!.replace(/\s+$/, '').length;
    const separator = pragma.ids.length > 0 ? ',' : '';
    return { title, edits: [replaceRange({ start: { line: line - 1, character: trimmedEnd }, end: { line: line - 1, character: trimmedEnd } }, `${separator}${ruleId}`)] };
  }
  return { title, edits: [insertAt({ line, character: 0 }, `${indentationOf(model, line)}# ${tool} ignore=${ruleId}\n`)] };
}
