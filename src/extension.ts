import * as vscode from 'vscode';
import { SecretRedactor } from './core/log';
import { registerCommands } from './vscode/commands';
import { ExtensionLog } from './vscode/log';
import { Modals } from './vscode/modal';
import type { Services } from './vscode/services';
import { registerExplorer } from './vscode/explorer/register';
import { registerAuthoring } from './vscode/authoring/register';
import { registerTasks } from './vscode/tasks/register';

/** Milliseconds from activate() entry to return; read by bench/ through the exported API. */
let activationMs = 0;

export function activate(context: vscode.ExtensionContext) {
  const started = performance.now();
  const redactor = new SecretRedactor();
  const log = new ExtensionLog(redactor);
  context.subscriptions.push(log);
  const modals = new Modals();
  const services: Services = { context, log, redactor, modals, logger: (component) => log.for(component) };

  const explorer = registerExplorer(services);
  const authoring = registerAuthoring(services, explorer.api);
  const tasks = registerTasks(services, explorer.api);
  registerCommands(context, {
    ...explorer.commands,
    ...authoring,
    ...tasks.commands,
    'ecr.showLog': () => log.channel.show(),
  });

  activationMs = performance.now() - started;
  log.for('extension').info(`activated in ${activationMs.toFixed(1)} ms`);
  // Read by the extension-host tests and benches: the tree as shown, and what build tasks printed.
  return {
    activationMs: () => activationMs,
    explorer: explorer.api,
    buildTranscripts: () => tasks.transcripts.all(),
    // VS Code refuses dialogs under the extension-host tests: there they read and answer modals.
    ...(context.extensionMode === vscode.ExtensionMode.Test ? { modals: modals.forTests() } : {}),
  };
}

export function deactivate() {}
