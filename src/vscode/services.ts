import type * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { SecretRedactor } from '../core/log';
import type { ExtensionLog } from './log';
import type { Modals } from './modal';

/**
 * What every feature of the VS Code layer is handed at activation. Cheap to build: nothing here
 * contacts AWS or Docker, and heavy modules load on first use inside the features.
 */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: ExtensionLog;
  readonly redactor: SecretRedactor;
  /** Modal confirmations and blocking errors (answerable by the extension-host tests). */
  readonly modals: Modals;
  logger(component: string): Logger;
}
