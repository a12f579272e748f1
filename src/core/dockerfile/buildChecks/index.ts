/**
 * Docker's build checks beside the hadolint rules: runs the checks, honours the `check` directive
 * and `# check=skip=…` comments as BuildKit does, and shows a check and a hadolint rule that report
 * the same thing as one diagnostic naming both codes (ecr.lint.buildChecks: "merged"), or both
 * ("separate"), or none ("off").
 */
import type { DockerfileModel } from '../parse';
import type { Fix, Severity, SeveritySetting } from '../rules/types';
import { insertAt, replaceRange } from '../rules/edits';
import { checkCasing, checkContinuations, checkDescriptions, checkMaintainer, checkStages, type BuildCheckFinding, type CheckInput } from './checks';
import { checkDefaultArgsInFrom, checkFrom } from './fromChecks';
import { mergeInstructionComments, readTopDirectives, ruleEnabled, type TopDirectives } from './directives';
import { BUILD_CHECKS_BY_ID } from './rules';
import { scanInstructions } from './scan';
import { checkStageInstructions } from './stageChecks';

export type BuildChecksMode = 'merged' | 'separate' | 'off';
export const BUILD_CHECKS_MODES: readonly BuildChecksMode[] = ['merged', 'separate', 'off'];

export interface BuildCheckOptions {
  mode: BuildChecksMode;
  /** Lines of the build context's .dockerignore (CopyIgnoredFile); undefined when there is none. */
  dockerignore?: readonly string[];
}

/** What a diagnostic needs from lint.ts's LintDiagnostic (declared here to keep the two modules apart). */
export interface BuildCheckDiagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  range: import('../text').Range;
  fixes: Fix[];
  source?: 'docker';
  alsoCodes?: string[];
}


type Matcher = (path: string) => boolean;
const matcherCache = new Map<string, Matcher>();

function dockerignoreMatcher(lines: readonly string[]): Matcher {
  const key = lines.join('\n');
  let matcher = matcherCache.get(key);
  if (!matcher) {
    // @balena/dockerignore: a port of Docker's matcher, as the build task uses (a folder's line matches what is under it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dockerignore = require('@balena/dockerignore') as typeof import('@balena/dockerignore').default;
    const ignore = dockerignore({ ignorecase: false }).add([...lines]);
    const verdicts = new Map<string, boolean>();
    matcher = (path) => {
      let verdict = verdicts.get(path);
      if (verdict === undefined) {
        verdict = ignore.ignores(path);
        if (verdicts.size < 10_000) verdicts.set(path, verdict);
      }
      return verdict;
    };
    if (matcherCache.size > 16) matcherCache.clear();
    matcherCache.set(key, matcher);
  }
  return matcher;
}

/** "Skip this check here": Docker's own `# check=skip=<rule>` comment above the instruction, or in the file's directive. */
function skipFix(model: DockerfileModel, finding: BuildCheckFinding, directives: TopDirectives): Fix | undefined {
  const rule = BUILD_CHECKS_BY_ID.get(finding.ruleId);
  if (!rule || rule.experimental) return undefined;
  if (rule.perInstruction && finding.governing) {
    const line = finding.governing.instruction.keywordRange.start.line;
    const indent = /^[ \t]*/.exec(model.lines[line])![0];
    return { title: `Skip ${finding.ruleId} for this instruction (# check=skip=${finding.ruleId})`, edits: [insertAt({ line, character: 0 }, `${indent}# check=skip=${finding.ruleId}\n`)] };
  }
  const check = directives.check;
  if (!check) return { title: `Skip ${finding.ruleId} in this file (# check=skip=${finding.ruleId})`, edits: [insertAt({ line: 0, character: 0 }, `# check=skip=${finding.ruleId}\n`)] };
  if (directives.problem) return undefined;
  const value = check.value.trim();
  const skip = /(^|;)\s*skip\s*=\s*([^;]*)/.exec(value);
  const updated = skip ? value.replace(skip[0], `${skip[1]}skip=${[...skip[2].split(',').map((name) => name.trim()).filter(Boolean), finding.ruleId].join(',')}`) : `skip=${finding.ruleId};${value}`;
  return { title: `Skip ${finding.ruleId} in this file (# check=${updated})`, edits: [replaceRange(check.range, `# check=${updated}`)] };
}

interface BuildCheckRun {
  diagnostics: BuildCheckDiagnostic[];
  /** Per diagnostic (same order): the lines where an overlapping hadolint rule would report it. */
  overlapLines: number[][];
}

export function runBuildChecks(model: DockerfileModel, options: BuildCheckOptions, ruleSeverities: Readonly<Record<string, SeveritySetting>> | undefined, onInternalError?: (error: unknown, where: string) => void): BuildCheckRun {
  const directives = readTopDirectives(model.lines);
  const scanned = scanInstructions(model, directives.directiveLines);
  const findings: BuildCheckFinding[] = [];
  const input: CheckInput = {
    model,
    scanned,
    ignorePatterns: options.dockerignore?.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')),
    ignores: options.dockerignore ? dockerignoreMatcher(options.dockerignore) : undefined,
    report: (finding) => findings.push(finding),
  };
  for (const check of [checkContinuations, checkStages, checkMaintainer, checkDescriptions, checkCasing, checkDefaultArgsInFrom, checkFrom, checkStageInstructions]) {
    try {
      check(input);
    } catch (error) {
      onInternalError?.(error, `build check ${check.name}`);
    }
  }
  const result: BuildCheckRun = { diagnostics: [], overlapLines: [] };
  if (directives.problem && directives.check) {
    result.diagnostics.push({
      ruleId: 'check',
      severity: 'error',
      message: `Docker cannot read this check directive (${directives.problem}): the build fails with "failed to parse check options". Use skip=<rules>, error=true|false, experimental=<rules>, separated by ";".`,
      range: directives.check.range,
      fixes: [],
      source: 'docker',
    });
    result.overlapLines.push([]);
  }
  for (const finding of findings) {
    const rule = BUILD_CHECKS_BY_ID.get(finding.ruleId);
    if (!rule) continue;
    const config = rule.perInstruction && finding.governing ? mergeInstructionComments(directives.config, finding.governing.comments) : directives.config;
    if (!ruleEnabled(config, rule.id, rule.experimental === true)) continue;
    const configured = ruleSeverities?.[rule.id];
    if (configured === 'off') continue;
    const severity: Severity = configured ?? (directives.config.error ? 'error' : 'warning');
    const fixes = [...finding.fixes];
    const skip = skipFix(model, finding, directives);
    if (skip) fixes.push(skip);
    result.diagnostics.push({ ruleId: rule.id, severity, message: finding.message, range: finding.range, fixes, source: 'docker' });
    result.overlapLines.push(finding.overlapLines ?? [finding.range.start.line]);
  }
  return result;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/**
 * Adds the build checks to the hadolint rules' diagnostics. In "merged" mode a check whose
 * hadolint twin reports on the same line joins that diagnostic: one entry, both codes, the more
 * severe level, the fixes of both.
 */
export function withBuildChecks<T extends BuildCheckDiagnostic>(model: DockerfileModel, diagnostics: T[], options: BuildCheckOptions | undefined, ruleSeverities: Readonly<Record<string, SeveritySetting>> | undefined, onInternalError?: (error: unknown, where: string) => void): T[] {
  if (!options || options.mode === 'off') return diagnostics;
  let run: BuildCheckRun;
  try {
    run = runBuildChecks(model, options, ruleSeverities, onInternalError);
  } catch (error) {
    onInternalError?.(error, 'build checks');
    return diagnostics;
  }
  if (run.diagnostics.length === 0) return diagnostics;
  const merged = diagnostics.slice();
  run.diagnostics.forEach((check, i) => {
    const twins = BUILD_CHECKS_BY_ID.get(check.ruleId)?.overlaps;
    if (options.mode === 'merged' && twins) {
      const lines = run.overlapLines[i];
      const index = merged.findIndex((candidate) => twins.includes(candidate.ruleId) && candidate.source === undefined && !candidate.alsoCodes && lines.includes(candidate.range.start.line));
      if (index >= 0) {
        const twin = merged[index];
        const titles = new Set(twin.fixes.map((fix) => fix.title));
        merged[index] = {
          ...twin,
          severity: SEVERITY_ORDER[check.severity] < SEVERITY_ORDER[twin.severity] ? check.severity : twin.severity,
          message: `${twin.message} (Docker ${check.ruleId}: ${check.message})`,
          alsoCodes: [check.ruleId],
          fixes: [...twin.fixes, ...check.fixes.filter((fix) => !titles.has(fix.title))],
        };
        return;
      }
    }
    merged.push(check as T);
  });
  merged.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return merged;
}

/** The code a diagnostic shows: its rule, and the build check folded into it ("DL4000, MaintainerDeprecated"). */
export function diagnosticCode(diagnostic: Pick<BuildCheckDiagnostic, 'ruleId' | 'alsoCodes'>): string {
  return diagnostic.alsoCodes && diagnostic.alsoCodes.length > 0 ? [diagnostic.ruleId, ...diagnostic.alsoCodes].join(', ') : diagnostic.ruleId;
}
