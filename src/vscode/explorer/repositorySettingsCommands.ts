import * as vscode from 'vscode';
import { getRepositoryPolicy, isImmutable, setTagMutability, toggledMutability } from '../../core/ecr/repositorySettings';
import { resolveTarget, type ExplorerCommandContext, type RepositoryTarget } from './commandContext';
import type { Connection } from './connections';
import type { RepositoryNode } from './nodes';
import type { ReadOnlyDocuments } from './readOnlyDocuments';

type Arg = RepositoryNode | RepositoryTarget | undefined;

/** The repository's settings as ECR holds them now, or undefined after showing why they could not be read. */
export async function currentSettings(context: ExplorerCommandContext, connection: Connection, repository: string) {
  const { describeRepository } = await import('../../core/ecr/management');
  const read = await context.attempt(connection, `Could not read the settings of ${repository}`, async () => ({
    found: await describeRepository(await connection.client(), repository, connection.config.accountId),
  }));
  if (read && !read.found) void vscode.window.showErrorMessage(`${repository} no longer exists in ${connection.label}. Refresh the registry.`);
  return read?.found;
}

/** Repository settings: tag immutability toggle and the repository policy, shown read-only as JSON. */
export function registerRepositorySettingsCommands(context: ExplorerCommandContext, documents: ReadOnlyDocuments): void {
  const { register, attempt, withProgress, provider } = context;

  const resolve = (arg: Arg, title: string) => resolveTarget<RepositoryNode>(context, arg, title);

  register('ecr.toggleTagImmutability', async (arg?: Arg, wanted?: 'MUTABLE' | 'IMMUTABLE') => {
    const resolved = resolve(arg, 'Toggle Tag Immutability');
    if (!resolved) return undefined;
    const { target, connection, node } = resolved;
    // The row may be stale (someone changed the setting since it was listed): flip what ECR holds now.
    const current = wanted ? node?.repository.tagMutability : (await currentSettings(context, connection, target.repository))?.tagMutability;
    if (!wanted && !current) return undefined;
    const next = wanted ?? toggledMutability(current!);
    if (current?.includes('WITH_EXCLUSION')) {
      const answer = await vscode.window.showWarningMessage(
        `${target.repository} has tag mutability exclusion filters (${current.toLowerCase().replace(/_/g, ' ')}). Making its tags ${next.toLowerCase()} removes the filters.`,
        { modal: true },
        `Make Tags ${next === 'IMMUTABLE' ? 'Immutable' : 'Mutable'}`,
      );
      if (!answer) return undefined;
    }
    const now = await attempt(connection, `Could not change tag mutability of ${target.repository}`, () =>
      withProgress(`Making tags of ${target.repository} ${next.toLowerCase()}…`, async () => setTagMutability(await connection.client(), target.repository, next, connection.config.accountId)),
    );
    if (now === undefined) return undefined;
    vscode.window.setStatusBarMessage(
      isImmutable(now)
        ? `$(lock) Tags of ${target.repository} are now immutable: a pushed tag cannot be moved`
        : `$(unlock) Tags of ${target.repository} are now mutable: a push can move a tag`,
      6000,
    );
    provider.updateRepository(connection.key, target.repository, { tagMutability: now });
    return now;
  });

  register('ecr.viewRepositoryPolicy', async (arg?: Arg) => {
    const resolved = resolve(arg, 'View Repository Policy');
    if (!resolved) return undefined;
    const { target, connection } = resolved;
    const read = await attempt(connection, `Could not read the repository policy of ${target.repository}`, () =>
      withProgress(`Reading the repository policy of ${target.repository}…`, async () => ({
        text: await getRepositoryPolicy(await connection.client(), target.repository, connection.config.accountId),
      })),
    );
    if (!read) return undefined;
    if (read.text === undefined) {
      void vscode.window.showInformationMessage(
        `${target.repository} has no repository policy: access is granted by IAM policies in account ${connection.accountId ?? 'of the credentials'} alone.`,
      );
      return null;
    }
    await documents.show(`/${connection.key}/${target.repository}.repository-policy.json`, read.text, 'json');
    return read.text;
  });
}
