/**
 * Lints Dockerfiles as they are typed: the unsaved buffer, debounced by ecr.lint.debounceMs,
 * into one "ecr-lint" diagnostic collection. Keeps the last result per document so code
 * actions and hovers reuse it instead of linting again.
 */
import * as path from 'node:path';
import { errorMessage } from '../../core/errors';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { DockerfileModel } from '../../core/dockerfile/parse';
import type { LintDiagnostic, Severity } from '../../core/dockerfile/lint';
import type { HadolintConfig } from '../../core/dockerfile/hadolintConfig';
import { loadDockerfileCore, type CoreModules } from './coreLoader';
import { isLintableDockerfile } from './documents';
import { readAuthoringSettings, type SettingsProblemReporter } from './settings';
import { DockerignoreReader, readBuildChecksMode } from './buildChecks';

export const DIAGNOSTIC_SOURCE = 'ecr-lint';

export interface LintSnapshot {
  version: number;
  model: DockerfileModel | undefined;
  diagnostics: LintDiagnostic[];
}

export function toVscodeRange(range: LintDiagnostic['range']): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export const SEVERITIES: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export class DockerfileLinter implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly snapshots = new Map<string, LintSnapshot>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly hadolintConfigs = new Map<string, HadolintConfig | undefined>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private hadolintWatcher: vscode.FileSystemWatcher | undefined;
  private readonly dockerignores = new DockerignoreReader();

  constructor(
    private readonly log: Logger,
    private readonly problems: SettingsProblemReporter,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.schedule(event.document);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('ecr.lint') || event.affectsConfiguration('ecr.aqueduct')) this.relintAll();
      }),
    );
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  /** The last lint of this document if it is still current. */
  snapshot(document: vscode.TextDocument): LintSnapshot | undefined {
    const snapshot = this.snapshots.get(document.uri.toString());
    return snapshot && snapshot.version === document.version ? snapshot : undefined;
  }

  /** Lints now (used by code actions and hovers when typing got ahead of the debounce). */
  async lintNow(document: vscode.TextDocument): Promise<LintSnapshot | undefined> {
    const key = document.uri.toString();
    const pending = this.timers.get(key);
    if (pending) {
      clearTimeout(pending);
      this.timers.delete(key);
    }
    if (!isLintableDockerfile(document) || document.isClosed) return undefined;
    const settings = readAuthoringSettings(document.uri);
    if (!settings.lintEnabled) {
      this.collection.delete(document.uri);
      this.snapshots.delete(key);
      return undefined;
    }
    const core = await loadDockerfileCore();
    this.ensureHadolintWatcher();
    const { severities, problems } = core.normalizeRuleSeverities(settings.rawRuleSeverities);
    const buildChecks = readBuildChecksMode(document.uri, problems);
    this.problems.report([...settings.problems, ...problems]);
    const text = document.getText();
    const version = document.version;
    const started = performance.now();
    const { model, diagnostics } = core.lintDockerfile(text, {
      serverVersion: settings.serverVersion,
      aqueductWorkspace: settings.aqueductWorkspace,
      ruleSeverities: severities,
      hadolint: this.hadolintConfigFor(core, document.uri),
      buildChecks: buildChecks === 'off' ? undefined : { mode: buildChecks, dockerignore: this.dockerignores.linesFor(document.uri) },
      onInternalError: (error, where) => this.log.warn(`a lint rule (${where}) failed on ${path.basename(document.uri.path)} and was skipped: ${errorMessage(error)}`),
    });
    const elapsed = performance.now() - started;
    if (elapsed > 50) this.log.debug(`linting ${path.basename(document.uri.path)} (${document.lineCount} lines) took ${elapsed.toFixed(0)} ms`);
    // The buffer may have changed while the core loaded; a newer lint is then scheduled anyway.
    if (document.version !== version || document.isClosed) return this.snapshot(document);
    const snapshot: LintSnapshot = { version, model, diagnostics };
    this.snapshots.set(key, snapshot);
    this.collection.set(document.uri, diagnostics.map((diagnostic) => this.toVscodeDiagnostic(core, diagnostic)));
    return snapshot;
  }

  private toVscodeDiagnostic(core: CoreModules, diagnostic: LintDiagnostic): vscode.Diagnostic {
    const result = new vscode.Diagnostic(toVscodeRange(diagnostic.range), diagnostic.message, SEVERITIES[diagnostic.severity]);
    result.source = diagnostic.source ?? DIAGNOSTIC_SOURCE;
    const url = core.ruleDocumentationUrl(diagnostic.ruleId);
    const code = core.diagnosticCode(diagnostic);
    result.code = url ? { value: code, target: vscode.Uri.parse(url) } : code;
    return result;
  }

  private schedule(document: vscode.TextDocument, delay?: number): void {
    if (!isLintableDockerfile(document)) return;
    const key = document.uri.toString();
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    const wait = delay ?? readAuthoringSettings(document.uri).debounceMs;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.lintNow(document).catch((error) => this.log.error(`linting ${document.uri.toString(true)} failed: ${errorMessage(error)}`));
      }, wait),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
    this.snapshots.delete(key);
    this.collection.delete(uri);
  }

  private relintAll(): void {
    this.hadolintConfigs.clear();
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  /** .hadolint.yaml from the Dockerfile's folder upward; only files on disk have one. */
  private hadolintConfigFor(core: CoreModules, uri: vscode.Uri): HadolintConfig | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = path.dirname(uri.fsPath);
    if (this.hadolintConfigs.has(folder)) return this.hadolintConfigs.get(folder);
    const loaded = core.loadHadolintConfig(folder);
    if (loaded && loaded.problems.length > 0) {
      this.log.warn(`${loaded.path}: ${loaded.problems.join('; ')} (the rest of the file is applied)`);
    }
    this.hadolintConfigs.set(folder, loaded?.config);
    return loaded?.config;
  }

  private ensureHadolintWatcher(): void {
    if (this.hadolintWatcher) return;
    this.hadolintWatcher = vscode.workspace.createFileSystemWatcher('**/.hadolint.{yaml,yml}');
    const changed = () => this.relintAll();
    this.disposables.push(this.hadolintWatcher, this.hadolintWatcher.onDidChange(changed), this.hadolintWatcher.onDidCreate(changed), this.hadolintWatcher.onDidDelete(changed));
    // CopyIgnoredFile reads the build's .dockerignore: re-lint when one changes.
    const dockerignoreWatcher = vscode.workspace.createFileSystemWatcher('**/{.dockerignore,*.dockerignore}');
    const ignoreChanged = () => {
      this.dockerignores.forget();
      this.relintAll();
    };
    this.disposables.push(dockerignoreWatcher, dockerignoreWatcher.onDidChange(ignoreChanged), dockerignoreWatcher.onDidCreate(ignoreChanged), dockerignoreWatcher.onDidDelete(ignoreChanged));
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
