import type { DockerfileModel, Stage } from '../parse';
import type { AqueductImage } from '../aqueductCatalogue';
import type { Range, TextEdit } from '../text';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix a person most likely wants (VS Code offers it first and for "auto fix"). */
  preferred?: boolean;
}

export interface Finding {
  ruleId: string;
  message: string;
  range: Range;
  fixes?: Fix[];
  /**
   * A package pinned through a variable ("git-core-${version}"): reported only when none of these
   * is declared (ARG, or ENV in the stage) before the RUN. Dropped by the rule before reporting.
   */
  unlessDeclared?: string[];
  /** For codes that are not among RULES (ShellCheck's SCxxxx): the severity the tool gave. */
  defaultSeverity?: Severity;
  /**
   * Reported under hadolint's code only because hadolint reports it (the rule's meaning is met):
   * "ignore this rule here" becomes the preferred fix.
   */
  onlyForHadolint?: boolean;
}

export type RuleGroup = 'aqueduct' | 'best-practice' | 'syntax';

export interface RuleInfo {
  id: string;
  group: RuleGroup;
  defaultSeverity: Severity;
  /** One line, shown in settings docs and hovers. */
  title: string;
  /**
   * For our codes that read a hadolint rule more sharply (EW3009 for DL3009): that rule. Its
   * severity, settings and ignores apply unless this code is set itself.
   */
  sharpens?: string;
}

/** A rule in the general best-practice group (hadolint's DL rules). */
export function bestPracticeRule(id: string, defaultSeverity: Severity, title: string): RuleInfo {
  return { id, group: 'best-practice', defaultSeverity, title };
}

/**
 * Our code for what hadolint's rule `sharpens` means but hadolint misses (EW3009 for DL3009), so
 * that hadolint's code reports exactly what hadolint reports: in the editor as in CI.
 */
export function sharpenedRule(sharpens: string, defaultSeverity: Severity, title: string): RuleInfo {
  return { id: `EW${sharpens.slice(2)}`, group: 'best-practice', defaultSeverity, title, sharpens };
}

export interface LintSettings {
  /** The Aqueduct server version (ecr.aqueduct.serverVersion); tags must equal it. */
  serverVersion?: string;
  /** ecr.aqueduct.enabled: apply Aqueduct's rules even when the base isn't aqueducthq/… */
  aqueductWorkspace?: boolean;
  /** .hadolint.yaml trustedRegistries: FROM images must come from these (DL3026). */
  trustedRegistries?: string[];
  /** .hadolint.yaml label-schema: required labels and the kind of value each holds. */
  labelSchema?: Record<string, import('./labelRules').LabelKind>;
  /** .hadolint.yaml strict-labels: labels outside the schema are reported (DL3050). */
  strictLabels?: boolean;
}

/** What the Aqueduct rules need to know about the file, worked out once per lint. */
export interface AqueductFacts {
  /** Aqueduct's rules apply (final stage built from aqueducthq/…, or the workspace setting). */
  enabled: boolean;
  /** The final stage and the stages it builds on. */
  finalChain: Stage[];
  /** The catalogue entry of the final stage's base, when it is a known Aqueduct image. */
  finalImage: AqueductImage | undefined;
  /** A valid version to pin tags to: the server version when it is valid, else the newest release. */
  pinVersion: string;
  /** The configured server version when it is a version that runs custom images. */
  serverVersion: string | undefined;
}

export interface RuleContext {
  model: DockerfileModel;
  settings: LintSettings;
  aqueduct: AqueductFacts;
  report(finding: Finding): void;
}
