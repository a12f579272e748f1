import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { CommandHandler } from '../commands';
import type { ExplorerApi } from '../explorer/api';

/**
 * "ECR: Log In Docker CLI…": the one place the extension lets docker store an ECR token, and only
 * after saying where it ends up. The password goes to `docker login --password-stdin`, never argv.
 */
export function loginDockerCliCommand(services: Services, explorer: ExplorerApi): CommandHandler {
  return async (registry) => {
    const log = services.logger('docker-login');
    const connection = await explorer.resolveRegistry(registry, 'Log In Docker CLI');
    if (!connection) return;

    const auth = await connection.auth().catch((error: Error) => {
      void vscode.window.showErrorMessage(`Could not get an ECR token for ${connection.label}: ${services.redactor.redact(error.message)}`);
      return undefined;
    });
    if (!auth) return;
    services.redactor.add(auth.password);

    const storage = credentialStorage(auth.registryHost);
    const detail =
      storage.helper
        ? `docker will hand the token to the "${storage.helper}" credential helper configured in ${storage.configFile}.`
        : `No credential helper is configured, so docker stores the token in plain text (base64) in ${storage.configFile}, readable by anything running as you. Configure "credsStore" (e.g. osxkeychain, wincred, pass) to avoid that.`;
    const choice = await services.modals.show(
      'warning',
      `Log the docker CLI in to ${auth.registryHost}?`,
      `${detail}\n\nThe ECR token is valid for 12 hours. Build and push tasks do not need this: they send credentials per request.`,
      'Log In',
    );
    if (choice !== 'Log In') return;

    const result = await dockerLogin(auth.username, auth.password, auth.registryHost);
    const output = services.redactor.redact(result.output.trim());
    if (output) log.info(output);
    if (result.code === 0) {
      void vscode.window.showInformationMessage(`docker CLI logged in to ${auth.registryHost} (token valid 12 hours).`);
    } else {
      void vscode.window.showErrorMessage(
        result.code === undefined
          ? 'The docker CLI was not found on PATH; install it to log in.'
          : `docker login failed (exit ${result.code}): ${output.split('\n').pop() ?? ''}`,
      );
    }
  };
}

function credentialStorage(registryHost: string): { configFile: string; helper?: string } {
  const configDir = process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  const configFile = path.join(configDir, 'config.json');
  try {
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as { credsStore?: string; credHelpers?: Record<string, string> };
    return { configFile, helper: config.credHelpers?.[registryHost] ?? config.credsStore };
  } catch {
    return { configFile };
  }
}

function dockerLogin(username: string, password: string, registryHost: string): Promise<{ code: number | undefined; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('docker', ['login', '--username', username, '--password-stdin', registryHost], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', () => resolve({ code: undefined, output }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
    child.stdin.end(password);
  });
}
