import assert from 'node:assert/strict';
import { lintDockerfile, type LintDiagnostic, type LintOptions } from '../../../src/core/dockerfile/lint';
import { applyEdits, type Range } from '../../../src/core/dockerfile/text';

export function lint(text: string, options: LintOptions = {}): LintDiagnostic[] {
  return lintDockerfile(text, { serverVersion: '0.3.6', ...options }).diagnostics;
}

/** Diagnostics of one rule. */
export function findings(text: string, ruleId: string, options: LintOptions = {}): LintDiagnostic[] {
  return lint(text, options).filter((diagnostic) => diagnostic.ruleId === ruleId);
}

export function only(text: string, ruleId: string, options: LintOptions = {}): LintDiagnostic {
  const found = findings(text, ruleId, options);
  assert.equal(found.length, 1, `expected exactly one ${ruleId}, got ${found.length}: ${JSON.stringify(lint(text, options).map((d) => d.ruleId))}`);
  return found[0];
}

export function none(text: string, ruleId: string, options: LintOptions = {}): void {
  const found = findings(text, ruleId, options);
  assert.deepEqual(found.map((d) => `${d.ruleId} ${d.message}`), [], `expected no ${ruleId}`);
}

export function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

/** The text the source range covers, to make range assertions readable. */
export function covered(text: string, r: Range): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  return [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
}

/** Applies the fix whose title contains `title` (the first fix when omitted). */
export function applyFix(text: string, diagnostic: LintDiagnostic, title?: string): string {
  const fix = title === undefined ? diagnostic.fixes[0] : diagnostic.fixes.find((candidate) => candidate.title.includes(title));
  assert.ok(fix, `no fix titled "${title}" among ${JSON.stringify(diagnostic.fixes.map((f) => f.title))}`);
  return applyEdits(text, fix.edits);
}

export function lines(...content: string[]): string {
  return content.join('\n') + '\n';
}
