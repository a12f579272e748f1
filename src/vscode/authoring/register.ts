import * as vscode from 'vscode';
import { Reporter, type Report } from '../report';
import type { Services } from '../services';
import type { ExplorerApi } from '../explorer/api';
import { DockerfileLinter } from './diagnostics';
import { DOCKERFILE_SELECTOR } from './documents';
import { AqueductHoverProvider, DockerfileCodeActions, FromCompletionProvider } from './providers';
import { scaffoldCommand } from './scaffoldCommand';
import { PullThroughCodeActions, PullThroughHover } from './pullThroughAuthoring';
import type { Commands } from '../commands';
import { ShellcheckDiagnostics } from './shellcheck';
import { SettingsProblemReporter } from './settings';

/**
 * Dockerfile authoring: lint diagnostics while typing, quick fixes, hover and completion on
 * FROM, and the Aqueduct scaffold command. Registration only; the linter core loads when the
 * first Dockerfile is linted.
 */
export function registerAuthoring(services: Services, explorer: ExplorerApi): Commands<'ecr.newAqueductDockerfile'> {
  const log = services.logger('authoring');
  const reporter = new Reporter(services, 'authoring');
  const report: Report = (what, error, options) => reporter.report(what, error, options);
  // One per window: a settings problem is shown once, whether linting or the scaffold read it first.
  const settingsProblems = new SettingsProblemReporter(report);
  const linter = new DockerfileLinter(log, settingsProblems);
  services.context.subscriptions.push(
    linter,
    new ShellcheckDiagnostics(log),
    vscode.languages.registerCodeActionsProvider(DOCKERFILE_SELECTOR, new DockerfileCodeActions(linter), DockerfileCodeActions.metadata),
    vscode.languages.registerHoverProvider(DOCKERFILE_SELECTOR, new AqueductHoverProvider(linter)),
    vscode.languages.registerCodeActionsProvider(DOCKERFILE_SELECTOR, new PullThroughCodeActions(explorer, log), PullThroughCodeActions.metadata),
    vscode.languages.registerHoverProvider(DOCKERFILE_SELECTOR, new PullThroughHover(explorer, log)),
    vscode.languages.registerCompletionItemProvider(DOCKERFILE_SELECTOR, new FromCompletionProvider(explorer, log), ...FromCompletionProvider.triggerCharacters),
  );
  return { 'ecr.newAqueductDockerfile': scaffoldCommand(log, report, settingsProblems, services.modals, explorer) };
}
