// Every quick fix (but "ignore this rule") applied to every file of ../shared/dockerfile-corpus
// (read in place): no finding vanishes that the fix did not fix (issue 22, item 4). A finding is
// its rule on an instruction; instructions are matched before and after the fix by their text.
// What a fix may make vanish besides its own finding: findings on the instructions it removes or
// merges, DL3059 next to a RUN it changed (that RUN is no longer a single command), and DL4006 on
// the later RUNs of the stage its SHELL now covers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lintDockerfile, type LintDiagnostic } from '../../../src/core/dockerfile/lint';
import type { DockerfileModel } from '../../../src/core/dockerfile/parse';
import { instructionAtLine } from '../../../src/core/dockerfile/pragmas';
import { applyEdits } from '../../../src/core/dockerfile/text';
import { CORPUS } from './hadolintSpec';

const FILES = path.join(CORPUS, 'files');
const options = { serverVersion: '0.3.6' };

function instructionTexts(model: DockerfileModel): string[] {
  return model.instructions.map((instruction) => model.lines.slice(instruction.range.start.line, instruction.range.end.line + 1).join('\n'));
}

/** For each instruction after the fix, the instruction it was before (common prefix and suffix), or -1 for one the fix wrote. */
function matchInstructions(before: string[], after: string[]): number[] {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  return after.map((_, i) => (i < prefix ? i : i >= after.length - suffix ? i + before.length - after.length : -1));
}

describe('quick fixes on the corpus', { skip: existsSync(FILES) ? false : 'no ../shared/dockerfile-corpus/files' }, () => {
  it('hide no finding they did not fix', () => {
    const hidden: string[] = [];
    let applied = 0;
    for (const file of readdirSync(FILES).sort()) {
      const text = readFileSync(path.join(FILES, file), 'utf8');
      const { model, diagnostics } = lintDockerfile(text, options);
      if (!model) continue;
      const beforeTexts = instructionTexts(model);
      const at = (m: DockerfileModel, diagnostic: LintDiagnostic) => instructionAtLine(m, diagnostic.range.start.line)?.index ?? -1;
      for (const diagnostic of diagnostics) {
        for (const fix of diagnostic.fixes) {
          if (fix.title.startsWith('Ignore ')) continue;
          applied++;
          const fixed = lintDockerfile(applyEdits(text, fix.edits), options);
          if (!fixed.model) {
            hidden.push(`${file}: "${fix.title}" leaves a file that does not parse`);
            continue;
          }
          const origin = matchInstructions(beforeTexts, instructionTexts(fixed.model));
          const changed = new Set(beforeTexts.map((_, i) => i).filter((i) => !origin.includes(i)));
          const remaining = new Map<string, number>();
          for (const after of fixed.diagnostics) {
            const key = `${after.ruleId}@${origin[at(fixed.model, after)] ?? -1}`;
            remaining.set(key, (remaining.get(key) ?? 0) + 1);
          }
          const fixedIndex = at(model, diagnostic);
          const fixedStage = model.instructions[fixedIndex]?.stage;
          let ownFinding = true;
          for (const before of diagnostics) {
            const index = at(model, before);
            const key = `${before.ruleId}@${index}`;
            if ((remaining.get(key) ?? 0) > 0) {
              remaining.set(key, remaining.get(key)! - 1);
              continue;
            }
            if (ownFinding && before.ruleId === diagnostic.ruleId && index === fixedIndex) {
              ownFinding = false;
              continue;
            }
            if (changed.has(index)) continue;
            if (before.ruleId === 'DL3059' && [...changed].some((i) => Math.abs(i - index) <= 1)) continue;
            if (before.ruleId === 'DL4006' && diagnostic.ruleId === 'DL4006' && model.instructions[index]?.stage === fixedStage && index > fixedIndex) continue;
            hidden.push(`${file}:${before.range.start.line + 1} "${fix.title}" (${diagnostic.ruleId}) hides ${before.ruleId}: ${before.message}`);
          }
        }
      }
    }
    assert.ok(applied > 1000, `only ${applied} fixes applied`);
    assert.deepEqual(hidden, []);
  });
});
