import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { Reporter } from '../report';
import type { Services } from '../services';
import type { CommandHandler } from '../commands';
import type { ExplorerApi, RegistryConnection } from '../explorer/api';
import { applyCredentialHelperChange, describeCredentialHelperChange, dockerConfigPath, findCredentialHelper, planFromDisk } from '../../core/docker/credentialHelper';
import { parseRegistryHost, registryHostFor } from '../../core/ecr/registryHost';

/** Before/after views of docker's config, secrets masked, for the diff shown before writing. */
const DIFF_SCHEME = 'ecr-docker-config';
const HELPER_CHOICE = 'helper';

/**
 * "ECR: Log In Docker CLI…". When amazon-ecr-credential-helper is on PATH it comes first: docker's
 * config gets `credHelpers[<registry>] = "ecr-login"` (shown as a masked diff, then written) and
 * no token is stored. The plain `docker login` stays second, saying where the token ends up; its
 * password goes to `--password-stdin`, never argv.
 */
export function loginDockerCliCommand(services: Services, explorer: ExplorerApi): CommandHandler {
  const views = new Map<string, string>();
  services.context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, { provideTextDocumentContent: (uri) => views.get(uri.toString()) ?? '' }));

  const login: Login = { services, reporter: new Reporter(services, 'docker-login'), views };
  return async (registry) => {
    const connection = await explorer.resolveRegistry(registry, 'Log In Docker CLI');
    if (!connection) return undefined;

    // Classified as every ECR failure is (an expired SSO session offers Sign in), redacted, logged once.
    const auth = await connection.auth().catch((error: unknown) => {
      void login.reporter.report(`Could not get an ECR token for ${connection.label}`, error, { registry: connection });
      return undefined;
    });
    if (!auth) return undefined;
    services.redactor.add(auth.password);

    const helper = await findCredentialHelper();
    const ecrHost = ecrHostOf(auth.registryHost, connection);
    if (helper && ecrHost) {
      const choice = await chooseLoginWay(helper, ecrHost);
      if (!choice) return undefined;
      if (choice === HELPER_CHOICE) return useCredentialHelper(login, ecrHost, auth.registryHost);
    }
    return plainLogin(login, auth, helper ? undefined : 'Install amazon-ecr-credential-helper (Debian/Ubuntu: apt-get install amazon-ecr-credential-helper) to log in without storing a token.');
  };
}

/** What the command's steps share: the services, the one reporter, the diff views' texts by URI. */
interface Login {
  services: Services;
  reporter: Reporter;
  views: Map<string, string>;
}

/** The credential helper first (recommended), the plain token second; undefined when dismissed. */
async function chooseLoginWay(helper: string, ecrHost: string): Promise<string | undefined> {
  const choice = await vscode.window.showQuickPick(
    [
      {
        label: '$(shield) Use the ECR credential helper',
        description: 'recommended: no token on disk',
        detail: `docker asks ${helper} for a fresh token on every pull and push, from your AWS credentials.`,
        value: HELPER_CHOICE,
      },
      {
        label: '$(warning) Log in with a 12-hour token',
        description: 'docker login',
        detail: 'docker stores the token in its config, in plain text unless a credential store is configured.',
        value: 'token',
      },
    ],
    { title: `Log the docker CLI in to ${ecrHost}`, ignoreFocusOut: true },
  );
  return choice?.value;
}

/** Shows the change to docker's config as a diff (secrets masked), asks, then writes it. */
async function useCredentialHelper({ services, reporter, views }: Login, ecrHost: string, registryHost: string): Promise<boolean> {
  const log = services.logger('docker-login');
  let planned;
  try {
    planned = await planFromDisk(ecrHost);
  } catch (error) {
    void reporter.report(errorMessage(error));
    return false;
  }
  const { change, currentText } = planned;
  if (change.unchanged) {
    void vscode.window.showInformationMessage(describeCredentialHelperChange(change));
    return true;
  }
  // Named …/config.json so VS Code shows them as JSON.
  const before = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/now/config.json` });
  const after = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/with-credential-helper/config.json` });
  views.set(before.toString(), change.before);
  views.set(after.toString(), change.after);
  await vscode.commands.executeCommand('vscode.diff', before, after, `${change.configFile}: credential helper for ${ecrHost} (secrets masked)`, { preview: true });
  const button = 'Use Credential Helper';
  const proxied = registryHost !== ecrHost ? `\n\nThe registry host override ${registryHost} is not an ECR host; the helper serves ${ecrHost} only.` : '';
  const answer = await services.modals.show('warning', `Write the credential helper for ${ecrHost} to docker's config?`, `${describeCredentialHelperChange(change)}\n\nThe change is shown in the editor, secrets masked.${proxied}`, button);
  if (answer !== button) return false;
  try {
    await applyCredentialHelperChange(change, { expectedText: currentText });
  } catch (error) {
    void reporter.report(`Could not write ${change.configFile}`, error);
    return false;
  }
  log.info(`docker config ${change.configFile}: credHelpers["${ecrHost}"] = "ecr-login"${change.removesStoredSecret ? '; the stored token for it was removed' : ''}`);
  void vscode.window.showInformationMessage(`docker now gets ECR tokens for ${ecrHost} from the credential helper; no token is stored.`);
  return true;
}

async function plainLogin({ services, reporter }: Login, auth: { username: string; password: string; registryHost: string }, hint: string | undefined): Promise<boolean> {
  const log = services.logger('docker-login');
  const storage = credentialStorage(auth.registryHost);
  const detail = storage.helper
    ? `docker will hand the token to the "${storage.helper}" credential helper configured in ${storage.configFile}.`
    : `No credential helper is configured, so docker stores the token in plain text (base64) in ${storage.configFile}, readable by anything running as you. Configure "credsStore" (e.g. osxkeychain, wincred, pass) to avoid that.`;
  const choice = await services.modals.show(
    'warning',
    `Log the docker CLI in to ${auth.registryHost}?`,
    [detail, 'The ECR token is valid for 12 hours. Build and push tasks do not need this: they send credentials per request.', hint].filter(Boolean).join('\n\n'),
    'Log In',
  );
  if (choice !== 'Log In') return false;

  const result = await dockerLogin(auth.username, auth.password, auth.registryHost);
  const output = services.redactor.redact(result.output.trim());
  if (output) log.info(output);
  if (result.code === 0) {
    void vscode.window.showInformationMessage(`docker CLI logged in to ${auth.registryHost} (token valid 12 hours).`);
    return true;
  }
  void reporter.report(
    result.code === undefined ? 'The docker CLI was not found on PATH; install it to log in.' : `docker login failed (exit ${result.code}): ${output.split('\n').pop() ?? ''}`,
  );
  return false;
}

/** The ECR host the credential helper serves: the registry's own, even when a host override points docker elsewhere. */
function ecrHostOf(registryHost: string, connection: RegistryConnection): string | undefined {
  if (parseRegistryHost(registryHost.split(':')[0])) return registryHost;
  return connection.accountId ? registryHostFor(connection.accountId, connection.region) : undefined;
}

function credentialStorage(registryHost: string): { configFile: string; helper?: string } {
  const configFile = dockerConfigPath();
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
