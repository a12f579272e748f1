import * as vscode from 'vscode';
import type { EcrErrorContext } from '../core/ecr/client';
import type { ClassifiedError, EcrErrorAction } from '../core/ecr/errors';
import type { Logger } from '../core/log';
import { runCommand } from './commands';
import { classifyEcrFailure, describeFailure, type Reported } from './failure';
import type { Services } from './services';

/** A button on a reported failure and what it does. */
export interface Fix {
  title: string;
  run(): unknown;
}

export interface ReportOptions {
  /** The registry the failure is about: ECR errors are classified with its context, and their fix acts on it. */
  registry?: { key: string; errorContext?: EcrErrorContext };
  /** A modal when the failure blocks what the person was doing (answerable by the extension-host tests). */
  modal?: boolean;
  /** A warning: the action did not happen, nothing is broken (an archived image cannot be pulled yet). */
  warning?: boolean;
  /** Buttons before the classified fix (Refresh Repository, Restore…). */
  fixes?: Fix[];
  /** Offers Retry, running this (ECR "retry" classifications only show the button when it is given). */
  retry?: () => unknown;
  /** More words for a modal (and the log), when `what` is the whole message. */
  detail?: string;
  /** Offers Show Log (the log has the lines that led here). */
  showLog?: boolean;
}

/** Reporter.report as a plain function, for modules handed only that. */
export type Report = (what: string, error?: unknown, options?: ReportOptions) => Promise<void>;


/**
 * The one way a failure reaches the person (src/README.md, "Feedback"): classified (ECR and
 * credential errors by `core/ecr/errors.ts`; registry and Docker Engine errors already speak the
 * user's terms), redacted, logged once to the ECR log, shown once, with its fix as a button.
 * Questions before an action are not failures: they go through `modal.ts`.
 */
export class Reporter {
  private readonly log: Logger;

  constructor(
    private readonly services: Pick<Services, 'redactor' | 'modals' | 'logger'>,
    component: string,
    /** Called when a sign-in terminal closes (the explorer rebuilds its connections). */
    private readonly afterSignIn?: () => void,
  ) {
    this.log = services.logger(component);
  }

  /**
   * Shows `what` failed and why (`error`: anything thrown, or a sentence). Without `error`, `what`
   * is the whole message (bad input, a target that is gone). Resolves once the chosen fix has run.
   */
  async report(what: string, error?: unknown, options: ReportOptions = {}): Promise<void> {
    const { redactor } = this.services;
    const reported = error === undefined ? { message: redactor.redact(what), detail: redactor.redact(options.detail ?? '') } : this.classify(error, options.registry);
    const message = error === undefined ? reported.message : `${what}: ${reported.message}`;
    const detail = reported.detail && !message.includes(reported.detail) ? ` (${reported.detail})` : '';
    if (options.warning) this.log.warn(`${message}${detail}`);
    else this.log.error(`${message}${detail}`);
    const fixes = [...(options.fixes ?? []), ...this.fixesFor(reported.action, options)];
    const titles = fixes.map((fix) => fix.title);
    const severity = options.warning ? 'warning' : 'error';
    const picked = options.modal
      ? await this.services.modals.show(severity, message, reported.detail || undefined, ...titles)
      : await (severity === 'warning' ? vscode.window.showWarningMessage(message, ...titles) : vscode.window.showErrorMessage(message, ...titles));
    await fixes.find((fix) => fix.title === picked)?.run();
  }

  /**
   * The outcome of an action that worked (or was cancelled): a notification, with what can follow from it as
   * buttons, logged once (src/README.md, "Feedback"). Not the status bar, which only a clipboard copy uses,
   * and not the view's header, which says what the view is in. Resolves once a chosen button's work has run.
   */
  async done(message: string, ...next: Fix[]): Promise<void> {
    const shown = this.services.redactor.redact(message);
    this.log.info(shown);
    const picked = await vscode.window.showInformationMessage(shown, ...next.map((fix) => fix.title));
    await next.find((fix) => fix.title === picked)?.run();
  }

  /** An error in the user's terms, with secrets removed (failure.ts). */
  classify(error: unknown, registry?: ReportOptions['registry']): Reported {
    return describeFailure(error, this.services.redactor, registry?.errorContext, Boolean(registry));
  }

  /** An ECR (or AWS credential) error in the user's terms, secrets removed: what a tree row shows too. */
  classifyEcr(error: unknown, registry?: ReportOptions['registry']): ClassifiedError {
    return classifyEcrFailure(error, this.services.redactor, registry?.errorContext);
  }

  private fixesFor(action: EcrErrorAction | undefined, options: ReportOptions): Fix[] {
    const fixes: Fix[] = [];
    const registryKey = options.registry?.key;
    if (action && action.kind !== 'retry' && (registryKey || action.kind === 'open-settings' || action.kind === 'sso-login')) {
      fixes.push({ title: action.title, run: () => this.perform(action, registryKey) });
    }
    if (options.retry) fixes.push({ title: 'Retry', run: options.retry });
    if (options.showLog) fixes.push({ title: 'Show Log', run: () => runCommand('ecr.showLog') });
    return fixes;
  }

  /** Does what an error's action says (sign in, pick a profile, enter keys, open a setting). */
  async perform(action: EcrErrorAction, registryKey: string | undefined, retry?: () => unknown): Promise<unknown> {
    switch (action.kind) {
      case 'select-profile':
        return runCommand('ecr.selectProfile', ...(registryKey ? [{ registryKey }] : []));
      case 'set-access-keys':
        return runCommand('ecr.setAccessKeys', ...(registryKey ? [{ registryKey }] : []));
      case 'open-settings':
        return vscode.commands.executeCommand('workbench.action.openSettings', action.setting);
      case 'sso-login': {
        const terminal = vscode.window.createTerminal({ name: 'AWS SSO sign-in' });
        terminal.show();
        terminal.sendText(action.command, true);
        const closed = vscode.window.onDidCloseTerminal((closedTerminal) => {
          if (closedTerminal !== terminal) return;
          closed.dispose();
          this.afterSignIn?.();
        });
        void vscode.window.showInformationMessage(`Finish signing in in the terminal, then use Retry${registryKey ? ` on ${registryKey}` : ''}.`);
        return undefined;
      }
      case 'retry':
        return retry?.();
    }
  }
}
