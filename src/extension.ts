import { existsSync } from 'node:fs';
import * as path from 'node:path';
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
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  // Tests and benches only: a bundle of its own that the .vsix never ships (see src/vscode/testApi.ts).
  // A path esbuild does not follow, so the main bundle does not take it in.
  const testApiBundle = path.join(__dirname, 'testApi.js');
  if (!existsSync(testApiBundle)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by path at run time, under test only
  const { testApi } = require(testApiBundle) as typeof import('./vscode/testApi');
  return testApi({ activationMs, explorer: explorer.internals, transcripts: tasks.transcripts, modals });
}

export function deactivate() {}
