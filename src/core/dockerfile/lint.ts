/**
 * The linter: parses a Dockerfile, runs the Aqueduct, best-practice and syntax rules, then
 * applies ignore pragmas, .hadolint.yaml and per-rule severities. Never throws: a rule that
 * fails on odd input is skipped, and the rest still report.
 */
import { aqueductRepositoryOf, customImageSupport, findAqueductImage, LATEST_AQUEDUCT_VERSION } from './aqueductCatalogue';
import type { HadolintConfig } from './hadolintConfig';
import { severityFromHadolint } from './hadolintConfig';
import { finalStageChain, parseDockerfile, rootStage, type DockerfileModel } from './parse';
import { collectIgnores, ignoreRuleFix, isIgnored } from './pragmas';
import { AQUEDUCT_RULES, checkAqueductRules } from './rules/aqueductRules';
import { APT_RULES, checkAptRules } from './rules/aptRules';
import { BEST_PRACTICE_RULES, checkBestPractice } from './rules/bestPracticeRules';
import { checkPackageRules, PACKAGE_RULES } from './rules/packageRules';
import { checkShellRules, SHELL_RULES } from './rules/shellRules';
import { SYNTAX_RULES, checkSyntax } from './rules/syntaxRules';
import type { AqueductFacts, Finding, Fix, LintSettings, RuleContext, RuleInfo, Severity, SeveritySetting } from './rules/types';
import type { Range } from './text';
import { buildCheckId, buildCheckUrl } from './buildChecks/rules';
import { withBuildChecks, type BuildCheckOptions } from './buildChecks';

export type { Fix, LintSettings, RuleInfo, Severity, SeveritySetting } from './rules/types';
export { diagnosticCode, BUILD_CHECKS_MODES, type BuildChecksMode } from './buildChecks';

export const RULES: readonly RuleInfo[] = [...AQUEDUCT_RULES, ...BEST_PRACTICE_RULES, ...APT_RULES, ...PACKAGE_RULES, ...SHELL_RULES, ...SYNTAX_RULES];
const RULES_BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

/** hadolint's wiki page for its rules (and for the rule one of ours sharpens); our other rules have none. */
export function ruleDocumentationUrl(id: string): string | undefined {
  const hadolintId = RULES_BY_ID.get(id)?.sharpens ?? id;
  return /^DL\d{4}$/.test(hadolintId) ? `https://github.com/hadolint/hadolint/wiki/${hadolintId}` : buildCheckUrl(id);
}

export interface LintOptions extends LintSettings {
  /** ecr.lint.rules, already validated (see normalizeRuleSeverities); wins over .hadolint.yaml. */
  ruleSeverities?: Readonly<Record<string, SeveritySetting>>;
  hadolint?: HadolintConfig;
  /** Stops reporting after this many diagnostics (a pasted binary file would otherwise report thousands). */
  maxDiagnostics?: number;
  /** Told about an error a rule or the parser hit (the lint carries on without it); the fuzz test counts these. */
  onInternalError?: (error: unknown, where: string) => void;
  /** Docker's build checks (source `docker`); none when absent. */
  buildChecks?: BuildCheckOptions;
}

export interface LintDiagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
  /** `docker` for Docker's build checks; absent for ours and hadolint's (source ecr-lint). */
  source?: 'docker';
  /** A build check reporting the same thing, folded into this diagnostic. */
  alsoCodes?: string[];
  /** Reported under hadolint's code only because hadolint reports it; the message says why (Finding.onlyForHadolint). */
  onlyForHadolint?: boolean;
}

export interface LintResult {
  model: DockerfileModel | undefined;
  diagnostics: LintDiagnostic[];
}

const SEVERITY_VALUES: readonly SeveritySetting[] = ['error', 'warning', 'info', 'hint', 'off'];

/** Validates the ecr.lint.rules setting: keeps what is usable, explains what is not. */
export function normalizeRuleSeverities(raw: unknown): { severities: Record<string, SeveritySetting>; problems: string[] } {
  const severities: Record<string, SeveritySetting> = {};
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { severities, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('ecr.lint.rules should be an object such as { "DL3008": "off", "AQ006": "error" }; it is ignored.');
    return { severities, problems };
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const id = buildCheckId(key) ?? key.trim().toUpperCase();
    const level = typeof value === 'string' ? value.trim().toLowerCase() : value;
    if (!SEVERITY_VALUES.includes(level as SeveritySetting)) {
      problems.push(`ecr.lint.rules: "${key}" is set to ${JSON.stringify(value)}; use one of error, warning, info, hint, off.`);
      continue;
    }
    if (!RULES_BY_ID.has(id) && !/^SC\d{4}$/.test(id) && !buildCheckId(id)) problems.push(`ecr.lint.rules: "${key}" is not a rule ECR Workbench checks (its rules are ${RULES.map((rule) => rule.id).join(', ')}).`);
    severities[id] = level as SeveritySetting;
  }
  return { severities, problems };
}

/**
 * Settings first, then .hadolint.yaml (ignored, then override), then the rule's default (or
 * `fallback`, for ShellCheck's codes). Our sharper reading of a hadolint rule (EW3009) follows
 * that rule (DL3009) unless set itself.
 */
export function effectiveSeverity(ruleId: string, options: Pick<LintOptions, 'ruleSeverities' | 'hadolint'>, fallback: Severity = 'warning'): SeveritySetting {
  const configured = options.ruleSeverities?.[ruleId];
  if (configured) return configured;
  const sharpens = RULES_BY_ID.get(ruleId)?.sharpens;
  if (sharpens) return effectiveSeverity(sharpens, options, fallback);
  const hadolint = options.hadolint;
  if (hadolint) {
    if (hadolint.ignored.some((id) => id.toUpperCase() === ruleId)) return 'off';
    for (const level of ['error', 'warning', 'info', 'style'] as const) {
      if (hadolint.override[level]?.some((id) => id.toUpperCase() === ruleId)) return severityFromHadolint(level);
    }
  }
  return RULES_BY_ID.get(ruleId)?.defaultSeverity ?? fallback;
}

function aqueductFacts(model: DockerfileModel, settings: LintSettings): AqueductFacts {
  const finalChain = finalStageChain(model);
  const root = model.stages.length > 0 ? rootStage(model, model.stages.length - 1) : undefined;
  const repository = root?.from.image ? aqueductRepositoryOf(root.from.image.name) : undefined;
  const configured = settings.serverVersion?.trim();
  const serverVersion = configured && customImageSupport(configured).kind === 'supported' ? configured : undefined;
  return {
    enabled: repository !== undefined || settings.aqueductWorkspace === true,
    finalChain,
    finalImage: repository ? findAqueductImage(repository) : undefined,
    pinVersion: serverVersion ?? LATEST_AQUEDUCT_VERSION,
    serverVersion,
  };
}

export function lintModel(model: DockerfileModel, options: LintOptions = {}): LintDiagnostic[] {
  const findings: Finding[] = [];
  const limit = options.maxDiagnostics ?? 1000;
  let facts: AqueductFacts;
  try {
    facts = aqueductFacts(model, options);
  } catch (error) {
    options.onInternalError?.(error, 'aqueduct facts');
    facts = { enabled: false, finalChain: [], finalImage: undefined, pinVersion: LATEST_AQUEDUCT_VERSION, serverVersion: undefined };
  }
  const hadolint = options.hadolint;
  const context: RuleContext = {
    model,
    settings: { ...options, trustedRegistries: hadolint?.trustedRegistries, labelSchema: hadolint?.labelSchema, strictLabels: hadolint?.strictLabels },
    aqueduct: facts,
    report(finding) {
      if (findings.length < limit * 4) findings.push(finding);
    },
  };
  for (const check of [checkSyntax, checkAqueductRules, checkBestPractice, checkAptRules, checkPackageRules, checkShellRules]) {
    try {
      check(context);
    } catch (error) {
      // A rule tripping over odd input must not hide the other rules' diagnostics.
      options.onInternalError?.(error, check.name);
    }
  }
  return withoutRepeatedFixes(withBuildChecks(model, applySettings(model, findings, options), options.buildChecks, options.ruleSeverities, options.onInternalError)).slice(0, limit);
}

/**
 * One diagnostic naming a hadolint rule and its build-check twin carries both rules' fixes; where
 * two make the same edits (DL3065's and RedundantTargetPlatform's "remove --platform"), the first stays.
 */
function withoutRepeatedFixes(diagnostics: LintDiagnostic[]): LintDiagnostic[] {
  for (const diagnostic of diagnostics) {
    if (!diagnostic.alsoCodes || diagnostic.fixes.length < 2) continue;
    const seen = new Set<string>();
    diagnostic.fixes = diagnostic.fixes.filter((fix) => {
      const key = JSON.stringify(fix.edits);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  return diagnostics;
}

/**
 * What the person asked for applied to raw findings: severities from settings and
 * .hadolint.yaml, ignore pragmas, an "ignore this rule" fix on each; sorted by position.
 */
export function applySettings(model: DockerfileModel, findings: readonly Finding[], options: LintOptions): LintDiagnostic[] {
  let ignores: ReturnType<typeof collectIgnores> | undefined;
  try {
    ignores = collectIgnores(model);
  } catch (error) {
    options.onInternalError?.(error, 'pragmas');
    ignores = undefined;
  }
  const diagnostics: LintDiagnostic[] = [];
  for (const finding of findings) {
    const severity = effectiveSeverity(finding.ruleId, options, finding.defaultSeverity);
    if (severity === 'off') continue;
    const sharpens = RULES_BY_ID.get(finding.ruleId)?.sharpens;
    if (ignores && (isIgnored(ignores, model, finding.ruleId, finding.range) || (sharpens !== undefined && isIgnored(ignores, model, sharpens, finding.range)))) continue;
    let fixes = [...(finding.fixes ?? [])];
    const ignoreFix = ignoreRuleFix(model, finding.ruleId, finding.range);
    // Reported only because hadolint reports it: ignoring it here is what most people want.
    if (ignoreFix && finding.onlyForHadolint) fixes = [{ ...ignoreFix, preferred: true }, ...fixes.map((fix) => ({ ...fix, preferred: false }))];
    else if (ignoreFix) fixes.push(ignoreFix);
    diagnostics.push({ ruleId: finding.ruleId, severity, message: finding.message, range: finding.range, fixes, ...(finding.onlyForHadolint ? { onlyForHadolint: true } : {}) });
  }
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return diagnostics;
}

/** Lints Dockerfile text. Returns no diagnostics rather than throwing if the parser fails. */
export function lintDockerfile(text: string, options: LintOptions = {}): LintResult {
  let model: DockerfileModel;
  try {
    model = parseDockerfile(text);
  } catch (error) {
    options.onInternalError?.(error, 'parse');
    return { model: undefined, diagnostics: [] };
  }
  try {
    return { model, diagnostics: lintModel(model, options) };
  } catch (error) {
    options.onInternalError?.(error, 'lint');
    return { model, diagnostics: [] };
  }
}
