/**
 * The logging contract of core code. Core folders never import `vscode`, so they log through
 * this interface; the VS Code layer backs it with the one "ECR" LogOutputChannel, tests back it
 * with an array they can assert on.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything: the default where a caller passes none. */
export const silentLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/**
 * Removes secrets from text before it is logged or shown. Secrets are registered as they are
 * obtained (an ECR token, a password, a secret key) so a message that echoes one, for instance
 * an error from a daemon quoting its request, still never shows it.
 */
export class SecretRedactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short strings would redact ordinary words; real secrets are long.
    if (secret && secret.length >= 8) {
      this.secrets.add(secret);
    }
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      result = result.split(secret).join('***');
    }
    return result;
  }
}
