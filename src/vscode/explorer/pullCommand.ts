import * as vscode from 'vscode';
import type { PullOutcome } from '../../core/docker/pullImage';
import { formatBytes } from '../../core/ecr/format';
import { localDockerEngine } from '../dockerEngine';
import { describeTarget, type RepositoryTarget } from '../../core/explorer/targets';
import type { Commands } from '../commands';
import { refuseArchived } from './archiveCommands';
import type { Connection } from './connections';
import type { Explorer } from './explorer';

/**
 * "Pull Image": pulls a listed image into the local Docker Engine with a cancellable progress
 * notification, layer lines in the ECR log, and the ECR token sent per request (as build and push
 * does), so nothing is written to ~/.docker/config.json.
 */
export function pullCommands(explorer: Explorer): Commands<'ecr.pullImage'> {
  return { 'ecr.pullImage': (arg) => pullImageCommand(explorer, arg) };
}

/** Resolves with the outcome and the (redacted) lines it wrote to the ECR log. */
async function pullImageCommand(explorer: Explorer, arg: unknown): Promise<(PullOutcome & { log: string[] }) | undefined> {
  const { services } = explorer;
  const attempt = explorer.attempt.bind(explorer);
  const resolved = explorer.targets.repository(arg, 'Pull Image', { where: 'an image', pick: 'a tag or an untagged image', image: true });
  if (!resolved) return undefined;
  const { target, connection } = resolved;
  // Archived images cannot be pulled until restored: say so instead of a registry 404.
  if (refuseArchived(explorer, target, 'Pull Image')) return undefined;
  const logger = services.logger('pull');
  const written: string[] = [];
  const log = {
    info: (text: string) => {
      const clean = services.redactor.redact(text);
      written.push(clean);
      logger.info(clean);
    },
  };
  const label = describeTarget(target);
  // Credentials first: a missing profile or expired SSO session gets the explorer's message and action.
  const first = await attempt(connection, `Could not get registry credentials to pull ${label}`, () => connection.auth());
  if (!first) return undefined;
  services.redactor.add(first.password);
  let engine;
  try {
    engine = await localDockerEngine(vscode.workspace.workspaceFolders?.[0]);
  } catch (error) {
    void explorer.report(`Cannot pull ${label}`, error, { showLog: true });
    return undefined;
  }
  const { pullImage, pullReference } = await import('../../core/docker/pullImage');
  const request = { registryHost: first.registryHost, repository: target.repository, tag: target.tag, digest: target.digest };
  log.info(`pulling ${pullReference(request)} into the Docker Engine at ${engine.host.host}`);

  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Pulling ${label}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let shown = 0;
      return pullImage(request, {
        engine,
        auth: async ({ forceRefresh }) => {
          const auth = forceRefresh ? await connection.auth({ forceRefresh }) : first;
          services.redactor.add(auth.password);
          return auth;
        },
        signal: abort.signal,
        reporter: {
          line: (text) => log.info(text),
          progress: (percent, lines) => {
            // The model's percent never goes backwards, so the bar and the text agree.
            progress.report({ message: `${percent}% · ${lines.at(-1)?.replace(/^Pulling: \d+% /, '') ?? ''}`, increment: Math.max(percent - shown, 0) });
            shown = Math.max(shown, percent);
          },
        },
      });
    },
  );

  showPullOutcome(explorer, outcome, { target, connection, label, log, written });
  return { ...outcome, log: written };
}

/** What a pull ended with, where the person looks: the result, a cancel in the status bar, or the failure with its fix. */
function showPullOutcome(
  explorer: Explorer,
  outcome: PullOutcome,
  { target, connection, label, log, written }: { target: RepositoryTarget; connection: Connection; label: string; log: { info(text: string): void }; written: string[] },
): void {
  const { model, services } = explorer;
  if (outcome.status === 'succeeded') {
    const id = outcome.imageId.replace(/^sha256:/, '').slice(0, 12);
    const moved = outcome.tagMoved ? ` ${target.tag} had been pushed over since the list was loaded: this is the newer image.` : '';
    // ECR records the pull time; show it next time the repository is listed.
    model.refresh(connection.key, target.repository);
    const result = `${outcome.upToDate ? 'Already up to date' : 'Pulled'}: ${outcome.reference} (image ${id}, ${formatBytes(outcome.sizeBytes)} unpacked).${moved}`;
    void explorer.done(result, { title: 'Copy Reference', run: () => explorer.copy(outcome.reference, 'the reference') });
  } else if (outcome.status === 'cancelled') {
    log.info(`pull of ${label} cancelled`);
    void explorer.done(`Pull of ${label} cancelled.`);
  } else if (outcome.kind === 'auth-failed' && outcome.cause) {
    // The token refresh failed (an SSO session expired mid-pull, say): the usual message and sign-in action.
    written.push(services.redactor.redact(outcome.message));
    void explorer.report(`Could not get registry credentials to pull ${label}`, outcome.cause, { registry: connection });
  } else {
    // The reporter logs the failure and shows it once; the layer lines above are already in the log.
    const refresh = { title: 'Refresh Repository', run: () => model.refresh(connection.key, target.repository) };
    written.push(services.redactor.redact(outcome.message));
    void explorer.report(outcome.message, undefined, { fixes: outcome.kind === 'not-found' ? [refresh] : [], showLog: true });
  }
}
