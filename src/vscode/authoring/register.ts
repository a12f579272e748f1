import * as vscode from 'vscode';
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
  const linter = new DockerfileLinter(log);
  services.context.subscriptions.push(
    linter,
    new ShellcheckDiagnostics(log),
    vscode.languages.registerCodeActionsProvider(DOCKERFILE_SELECTOR, new DockerfileCodeActions(linter), DockerfileCodeActions.metadata),
    vscode.languages.registerHoverProvider(DOCKERFILE_SELECTOR, new AqueductHoverProvider(linter)),
    vscode.languages.registerCodeActionsProvider(DOCKERFILE_SELECTOR, new PullThroughCodeActions(explorer, log), PullThroughCodeActions.metadata),
    vscode.languages.registerHoverProvider(DOCKERFILE_SELECTOR, new PullThroughHover(explorer, log)),
    vscode.languages.registerCompletionItemProvider(DOCKERFILE_SELECTOR, new FromCompletionProvider(explorer, log), ...FromCompletionProvider.triggerCharacters),
  );
  return { 'ecr.newAqueductDockerfile': scaffoldCommand(log, new SettingsProblemReporter(log), services.modals, explorer) };
}
