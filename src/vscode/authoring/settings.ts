/**
 * The authoring settings, read per document (they are resource-scoped) and validated: a bad
 * value yields a message for the person and a safe default, never a throw.
 */
import * as vscode from 'vscode';
import type { Report } from '../report';
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
  const lint = vscode.workspace.getConfiguration('ecr.lint', scope);
  const aqueduct = vscode.workspace.getConfiguration('ecr.aqueduct', scope);

  const enabled = lint.get<unknown>('enabled', true);
  const lintEnabled = typeof enabled === 'boolean' ? enabled : true;
  if (typeof enabled !== 'boolean') problems.push(`ecr.lint.enabled should be true or false, not ${JSON.stringify(enabled)}; linting stays on.`);

  const debounce = lint.get<unknown>('debounceMs', DEFAULT_DEBOUNCE_MS);
  let debounceMs = DEFAULT_DEBOUNCE_MS;
  if (typeof debounce === 'number' && Number.isFinite(debounce)) debounceMs = Math.min(5000, Math.max(0, Math.round(debounce)));
  else problems.push(`ecr.lint.debounceMs should be a number of milliseconds (0-5000), not ${JSON.stringify(debounce)}; using ${DEFAULT_DEBOUNCE_MS}.`);

  const configuredVersion = aqueduct.get<unknown>('serverVersion', LATEST_AQUEDUCT_VERSION);
  let serverVersion: string | undefined;
  if (typeof configuredVersion === 'string' && configuredVersion.trim() !== '') {
    const version = configuredVersion.trim();
    if (customImageSupport(version).kind === 'supported') serverVersion = version;
    else problems.push(`ecr.aqueduct.serverVersion is "${version}": ${versionProblem(version)} Base tags are not compared with the server version until it is fixed.`);
  } else if (configuredVersion !== undefined && configuredVersion !== '') {
    problems.push(`ecr.aqueduct.serverVersion should be a version such as ${LATEST_AQUEDUCT_VERSION}, not ${JSON.stringify(configuredVersion)}.`);
  }

  const markedAqueduct = aqueduct.get<unknown>('enabled', false);
  if (typeof markedAqueduct !== 'boolean') problems.push(`ecr.aqueduct.enabled should be true or false, not ${JSON.stringify(markedAqueduct)}; treated as false.`);

  return {
    lintEnabled,
    debounceMs,
    serverVersion,
    defaultVersion: serverVersion ?? LATEST_AQUEDUCT_VERSION,
    aqueductWorkspace: markedAqueduct === true,
    rawRuleSeverities: lint.get<unknown>('rules', {}),
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
