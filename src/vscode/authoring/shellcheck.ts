/**
 * ShellCheck findings for RUN scripts, in their own "shellcheck" diagnostic collection. Off the
 * typing path: a run starts only after typing has paused (never sooner than
 * SHELLCHECK_DELAY_MS), a newer edit cancels the run in flight (its process is killed), and a
 * result for an older version of the buffer is dropped. One shellcheck process per document at a
 * time, bounded in script size and time (core/dockerfile/shellcheck.ts): past the bounds the
 * Problems panel shows one line saying why ShellCheck was skipped. Settings: ecr.lint.shellcheck.enabled and
 * ecr.lint.shellcheck.path; ecr.lint.enabled turns it off with the rest of the linting.
 */
import * as path from 'node:path';
import { errorMessage } from '../../core/errors';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { LintDiagnostic } from '../../core/dockerfile/lint';
import { loadDockerfileCore } from './coreLoader';
import { SEVERITIES, toVscodeRange } from './diagnostics';
import { isLintableDockerfile } from './documents';
import { settings } from '../settings';
import { readAuthoringSettings } from './settings';

export const SHELLCHECK_SOURCE = 'shellcheck';
/** ShellCheck takes tens of milliseconds per file: wait for a real pause in typing first. */
const SHELLCHECK_DELAY_MS = 600;

function shellcheckSettings(scope: vscode.Uri): { enabled: boolean; executable: string } {
  const executable = settings.forResource('ecr.lint.shellcheck.path', scope).trim() || 'shellcheck';
  return { enabled: settings.raw('ecr.lint.shellcheck.enabled', scope) !== false && readAuthoringSettings(scope).lintEnabled, executable };
}

function toDiagnostic(finding: LintDiagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toVscodeRange(finding.range), finding.message, SEVERITIES[finding.severity]);
  diagnostic.source = SHELLCHECK_SOURCE;
  diagnostic.code = { value: finding.ruleId, target: vscode.Uri.parse(`https://www.shellcheck.net/wiki/${finding.ruleId}`) };
  return diagnostic;
}

export class ShellcheckDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(SHELLCHECK_SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, AbortController>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  /** Executables already reported missing, so the log says it once. */
  private readonly missing = new Set<string>();

  constructor(private readonly log: Logger) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.schedule(event.document);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('ecr.lint')) vscode.workspace.textDocuments.forEach((document) => this.schedule(document));
      }),
    );
    vscode.workspace.textDocuments.forEach((document) => this.schedule(document));
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isLintableDockerfile(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.running.get(key)?.abort();
    const delay = Math.max(SHELLCHECK_DELAY_MS, readAuthoringSettings(document.uri).debounceMs);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.check(document).catch((error) => this.log.warn(`ShellCheck on ${path.basename(document.uri.path)} failed: ${errorMessage(error)}`));
      }, delay),
    );
  }

  private async check(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const { enabled, executable } = shellcheckSettings(document.uri);
    if (!enabled || document.isClosed) {
      this.collection.delete(document.uri);
      return;
    }
    const core = await loadDockerfileCore();
    const { runShellcheck, ShellcheckNotFound, ShellcheckSkipped } = await import('../../core/dockerfile/shellcheck');
    const version = document.version;
    const controller = new AbortController();
    this.running.set(key, controller);
    try {
      const hadolint = document.uri.scheme === 'file' ? core.loadHadolintConfig(path.dirname(document.uri.fsPath))?.config : undefined;
      const model = core.parseDockerfile(document.getText());
      const findings = await runShellcheck(model, executable, {
        hadolint,
        ruleSeverities: core.normalizeRuleSeverities(readAuthoringSettings(document.uri).rawRuleSeverities).severities,
        signal: controller.signal,
      });
      if (document.version !== version || document.isClosed) return;
      this.collection.set(document.uri, findings.map(toDiagnostic));
    } catch (error) {
      if (controller.signal.aborted) return; // a newer edit took over
      if (error instanceof ShellcheckSkipped) {
        if (document.version !== version || document.isClosed) return;
        // One line where the findings would be, so a missing SC finding is never a silent mystery.
        const note = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), error.message, vscode.DiagnosticSeverity.Information);
        note.source = SHELLCHECK_SOURCE;
        this.collection.set(document.uri, [note]);
        this.log.info(`${path.basename(document.uri.path)}: ${error.message}`);
        return;
      }
      if (error instanceof ShellcheckNotFound) {
        this.collection.delete(document.uri);
        if (!this.missing.has(executable)) {
          this.missing.add(executable);
          this.log.info(`ShellCheck is not installed (${error.message}): RUN scripts are linted without it. Install it (apt-get install shellcheck) or set ecr.lint.shellcheck.path.`);
        }
        return;
      }
      throw error;
    } finally {
      if (this.running.get(key) === controller) this.running.delete(key);
    }
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.running.get(key)?.abort();
    this.collection.delete(uri);
  }

  dispose(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.running.forEach((controller) => controller.abort());
    this.disposables.forEach((disposable) => disposable.dispose());
  }
}
