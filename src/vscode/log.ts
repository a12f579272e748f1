import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { SecretRedactor } from '../core/log';

/**
 * The one "ECR" LogOutputChannel, with a logger per component ("[explorer] …", "[build] …").
 * Every line passes through the redactor, so a secret registered once never reaches the panel.
 */
export class ExtensionLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(readonly redactor: SecretRedactor) {
    this.channel = vscode.window.createOutputChannel('ECR', { log: true });
  }

  for(component: string): Logger {
    const prefix = `[${component}] `;
    const clean = (message: string) => prefix + this.redactor.redact(message);
    return {
      trace: (message) => this.channel.trace(clean(message)),
      debug: (message) => this.channel.debug(clean(message)),
      info: (message) => this.channel.info(clean(message)),
      warn: (message) => this.channel.warn(clean(message)),
      error: (message) => this.channel.error(clean(message)),
    };
  }

  dispose(): void {
    this.channel.dispose();
  }
}
