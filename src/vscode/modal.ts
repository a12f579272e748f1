import * as vscode from 'vscode';

/** A modal as it was asked for: what the extension-host tests read (VS Code refuses dialogs there). */
export interface ModalRequest {
  severity: 'warning' | 'error';
  message: string;
  detail?: string;
  /** The buttons in order; the first is the default (Enter), VS Code adds Cancel. */
  buttons: string[];
}

type Answerer = (request: ModalRequest) => string | undefined;

/**
 * Every modal of the extension goes through here. When the extension runs under the
 * extension-host tests (ExtensionMode.Test), VS Code refuses to show dialogs and answers Cancel;
 * a test can then read what would have been shown and answer it (modalsForTests below).
 */
export class Modals {
  private answerer: Answerer | undefined;
  private readonly shown: ModalRequest[] = [];

  async show(severity: ModalRequest['severity'], message: string, detail: string | undefined, ...buttons: string[]): Promise<string | undefined> {
    const request: ModalRequest = { severity, message, detail, buttons };
    if (this.answerer) {
      this.shown.push(request);
      if (this.shown.length > 20) this.shown.shift();
      const answer = this.answerer(request);
      return answer !== undefined && buttons.includes(answer) ? answer : undefined;
    }
    const options: vscode.MessageOptions = { modal: true, detail };
    return severity === 'error' ? vscode.window.showErrorMessage(message, options, ...buttons) : vscode.window.showWarningMessage(message, options, ...buttons);
  }

  /** Only for the extension-host tests: answer modals with `answerer` and read what was asked. */
  forTests() {
    return {
      answerWith: (answerer: Answerer | undefined) => {
        this.answerer = answerer;
        this.shown.length = 0;
      },
      shown: (): readonly ModalRequest[] => this.shown,
    };
  }
}
