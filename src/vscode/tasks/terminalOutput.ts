import type * as vscode from 'vscode';
import type { BuildPushReporter } from '../../core/docker/buildAndPush';
import type { LiveRegion } from '../../core/docker/liveRegion';
import type { Logger, SecretRedactor } from '../../core/log';
import type { BuildTranscript } from './buildTerminal';

export type Color = 'red' | 'green' | 'yellow';

/**
 * Where a build's text goes: the task's terminal (with the push block updated in place), the
 * "ECR" log at the level the line deserves, and the test transcript when one is kept. Redacted first.
 */
export class TerminalOutput {
  constructor(
    private readonly write: vscode.EventEmitter<string>,
    private readonly region: LiveRegion,
    private readonly log: Logger,
    private readonly redactor: SecretRedactor,
    readonly transcript: BuildTranscript | undefined,
  ) {}

  readonly print = (text: string, color?: Color): void => {
    const clean = this.redactor.redact(text);
    this.transcript?.lines.push(clean);
    // The log's level follows what the line says: a failure is an error, a cancel a warning.
    if (color === 'red') this.log.error(clean);
    else if (color === 'yellow') this.log.warn(clean);
    else this.log.info(clean);
    const painted = color ? `\x1b[${{ red: 31, green: 32, yellow: 33 }[color]}m${clean}\x1b[0m` : clean;
    this.write.fire(this.region.print(painted));
  };

  /** The exit code, recorded in the transcript. */
  finish(code: number, outcome?: BuildTranscript['outcome']): number {
    if (this.transcript) {
      this.transcript.exitCode = code;
      this.transcript.outcome = outcome;
    }
    return code;
  }

  /** The flow's reporter: lines here, layer notes to the log only, the phase to the notification. */
  reporter(progress: vscode.Progress<{ message?: string; increment?: number }>): BuildPushReporter {
    let shownPercent = 0;
    return {
      line: (text) => this.print(text, /^(#\d+ )?ERROR\b/.test(text) ? 'red' : /^Pushed /.test(text) ? 'green' : undefined),
      note: (text) => this.log.info(this.redactor.redact(text)),
      live: (lines) => this.write.fire(this.region.update(lines.map((line) => this.redactor.redact(line)))),
      endLive: () => this.region.settle(),
      phase: (message, percent) => {
        const shown = percent === undefined ? message : `${message} ${percent}%`;
        if (this.transcript) this.transcript.phase = shown;
        const increment = percent === undefined ? undefined : Math.max(percent - shownPercent, 0);
        if (percent !== undefined) shownPercent = percent < shownPercent ? 0 : percent;
        progress.report({ message: shown, increment });
      },
    };
  }
}
