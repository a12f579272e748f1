import * as vscode from 'vscode';
import { SecretRedactor } from './core/log';
import { ExtensionLog } from './vscode/log';
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
  const services: Services = { context, log, redactor, logger: (component) => log.for(component) };

  const explorer = registerExplorer(services);
  registerAuthoring(services, explorer);
  registerTasks(services, explorer);
  context.subscriptions.push(vscode.commands.registerCommand('ecr.showLog', () => log.channel.show()));

  activationMs = performance.now() - started;
  log.for('extension').info(`activated in ${activationMs.toFixed(1)} ms`);
  // The explorer is part of the API so the extension-host tests can read the tree as shown.
  return { activationMs: () => activationMs, explorer };
}

export function deactivate() {}
