/**
 * The authoring settings, read per document (they are resource-scoped) and validated: a bad
 * value yields a message for the person and a safe default, never a throw.
 */
import * as vscode from 'vscode';
import type { Report } from '../report';
import { settings } from '../settings';
import { customImageSupport, versionProblem, LATEST_AQUEDUCT_VERSION } from '../../core/dockerfile/aqueductCatalogue';

export interface AuthoringSettings {
  lintEnabled: boolean;
  debounceMs: number;
  /** The configured server version when Aqueduct runs custom images on it, else undefined. */
  serverVersion: string | undefined;
  /** What the scaffold proposes first: the server version when valid, else the newest release. */
  defaultVersion: string;
  aqueductWorkspace: boolean;
  /** Raw ecr.lint.rules; validated by the core (normalizeRuleSeverities) once it is loaded. */
  rawRuleSeverities: unknown;
  problems: string[];
}

export const DEFAULT_DEBOUNCE_MS = 250;

export function readAuthoringSettings(scope?: vscode.Uri): AuthoringSettings {
  const problems: string[] = [];

  const enabled = settings.raw('ecr.lint.enabled', scope);
  const lintEnabled = typeof enabled === 'boolean' ? enabled : true;
  if (typeof enabled !== 'boolean') problems.push(`ecr.lint.enabled should be true or false, not ${JSON.stringify(enabled)}; linting stays on.`);

  const debounce = settings.raw('ecr.lint.debounceMs', scope);
  let debounceMs = DEFAULT_DEBOUNCE_MS;
  if (typeof debounce === 'number' && Number.isFinite(debounce)) debounceMs = Math.min(5000, Math.max(0, Math.round(debounce)));
  else problems.push(`ecr.lint.debounceMs should be a number of milliseconds (0-5000), not ${JSON.stringify(debounce)}; using ${DEFAULT_DEBOUNCE_MS}.`);

  const configuredVersion = settings.raw('ecr.aqueduct.serverVersion', scope);
  let serverVersion: string | undefined;
  if (typeof configuredVersion === 'string' && configuredVersion.trim() !== '') {
    const version = configuredVersion.trim();
    if (customImageSupport(version).kind === 'supported') serverVersion = version;
    else problems.push(`ecr.aqueduct.serverVersion is "${version}": ${versionProblem(version)} Base tags are not compared with the server version until it is fixed.`);
  } else if (configuredVersion !== undefined && configuredVersion !== '') {
    problems.push(`ecr.aqueduct.serverVersion should be a version such as ${LATEST_AQUEDUCT_VERSION}, not ${JSON.stringify(configuredVersion)}.`);
  }

  const markedAqueduct = settings.raw('ecr.aqueduct.enabled', scope);
  if (typeof markedAqueduct !== 'boolean') problems.push(`ecr.aqueduct.enabled should be true or false, not ${JSON.stringify(markedAqueduct)}; treated as false.`);

  return {
    lintEnabled,
    debounceMs,
    serverVersion,
    defaultVersion: serverVersion ?? LATEST_AQUEDUCT_VERSION,
    aqueductWorkspace: markedAqueduct === true,
    rawRuleSeverities: settings.raw('ecr.lint.rules', scope),
    problems,
  };
}


/**
 * Shows each distinct settings problem once per session (settings are read on every lint;
 * repeating the same notification on each keystroke would be noise).
 */
export class SettingsProblemReporter {
  private readonly shown = new Set<string>();

  constructor(private readonly reportProblem: Report) {}

  report(problems: readonly string[]): void {
    for (const problem of problems) {
      if (this.shown.has(problem)) continue;
      this.shown.add(problem);
      const setting = problem.split(/\s/)[0].replace(/:$/, '');
      void this.reportProblem(problem, undefined, { warning: true, fixes: [{ title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', setting) }] });
    }
  }
}
