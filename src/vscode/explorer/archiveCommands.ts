import * as vscode from 'vscode';
import type { ImageSummary } from '../../core/ecr/listing';
import { archivedRefusal, isArchived, type RestoreState } from '../../core/ecr/storageClass';
import { describeTarget } from '../../core/explorer/targets';
import { isNode } from '../../core/explorer/nodes';
import type { Commands } from '../commands';
import type { Explorer } from './explorer';

const STATE_TEXT: Record<RestoreState['state'], string> = {
  restored: 'restored',
  restoring: 'restoring…',
  'still-archived': 'restore requested…',
  gone: 'no longer in the repository',
  'timed-out': 'still restoring (refresh later)',
};

/**
 * "Restore Image": an archived image back to the standard storage class (UpdateImageStorageClass
 * to STANDARD), its row saying "restoring…" until ECR shows it active, then listed again.
 */
export function archiveCommands(explorer: Explorer): Commands<'ecr.restoreImage'> {
  return { 'ecr.restoreImage': (arg) => restoreImageCommand(explorer, arg) };
}

async function restoreImageCommand(explorer: Explorer, arg: unknown): Promise<RestoreState | undefined> {
  if (!isNode(arg, 'image')) {
    void vscode.window.showInformationMessage('Restore Image works on an archived image: right-click it in the Archived group of a repository in the ECR view.');
    return undefined;
  }
  return restoreListedImage(explorer, { registryKey: arg.registryKey, repositoryName: arg.repositoryName, tag: arg.tag, image: arg.image });
}

/**
 * An action ECR refuses on an archived image (anything that reads its manifest) says so, with a
 * Restore button, instead of failing with the registry's 404. Resolves true when it refused.
 */
export function refuseArchived(explorer: Explorer, target: { registryKey?: string; repository: string; tag?: string; digest?: string }, action: string): boolean {
  if (!target.registryKey) return false;
  const image = explorer.model.listedImage(target.registryKey, target.repository, target);
  const refusal = image && archivedRefusal(action, image);
  if (!image || !refusal) return false;
  const restore = image.status === 'ARCHIVED' ? 'Restore Image' : undefined;
  // Not awaited: the command ends with its refusal; the button restores whenever it is clicked.
  const registryKey = target.registryKey;
  const fixes = restore ? [{ title: restore, run: () => restoreListedImage(explorer, { registryKey, repositoryName: target.repository, tag: target.tag, image }) }] : [];
  void explorer.report(refusal, undefined, { warning: true, fixes });
  return true;
}

async function restoreListedImage(explorer: Explorer, arg: { registryKey: string; repositoryName: string; tag?: string; image: ImageSummary }): Promise<RestoreState | undefined> {
  const { model } = explorer;
  const label = describeTarget({ repository: arg.repositoryName, tag: arg.tag, digest: arg.image.digest });
  if (!isArchived(arg.image)) {
    void vscode.window.showInformationMessage(`${label} is not archived: it can be pulled as it is.`);
    return undefined;
  }
  const connection = explorer.targets.find(arg.registryKey);
  if (!connection) return undefined;
  const { registryKey, repositoryName } = arg;
  const digest = arg.image.digest;
  const show = (text: string | undefined) => model.setRestoreStatus(registryKey, repositoryName, digest, text);
  show('restore requested…');
  const { followRestore, restoreImage } = await import('../../core/ecr/storageClass');
  const started = await explorer.attempt(connection, `Could not restore ${label}`, async () => {
    const client = await connection.client();
    // Already ACTIVATING: nothing to ask for, only to follow.
    if (arg.image.status === 'ARCHIVED') await restoreImage(client, repositoryName, { digest }, connection.config.accountId);
    return client;
  });
  if (!started) {
    show(undefined);
    return undefined;
  }
  explorer.log.info(`restoring ${label} from the archive`);
  const final = await explorer.attempt(connection, `Could not follow the restore of ${label}`, () =>
    followRestore(started, repositoryName, digest, { registryId: connection.config.accountId, firstPollMs: 1_000, maxPollMs: 30_000, onStatus: (_status, state) => show(STATE_TEXT[state.state]) }),
  );
  show(final?.state === 'timed-out' ? STATE_TEXT['timed-out'] : undefined);
  model.refresh(registryKey, repositoryName);
  if (final?.state === 'restored') void explorer.done(`Restored ${label}: it can be pulled again.`);
  else if (final) void explorer.done(`Restore of ${label}: ${STATE_TEXT[final.state]}.`);
  explorer.log.info(`restore of ${label}: ${final?.state ?? 'failed'}`);
  return final;
}
