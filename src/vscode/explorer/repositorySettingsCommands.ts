import * as vscode from 'vscode';
import { targetOf, type ExplorerCommandContext, type RepositoryTarget } from './commandContext';
import type { RepositoryNode } from './nodes';
import type { ReadOnlyDocuments } from './readOnlyDocuments';

type Arg = RepositoryNode | RepositoryTarget | undefined;

/** Repository settings: tag immutability toggle and the repository policy, shown read-only as JSON. */
export function registerRepositorySettingsCommands(context: ExplorerCommandContext, documents: ReadOnlyDocuments): void {
  const { register, findConnection, attempt, withProgress, provider } = context;

  const resolve = (arg: Arg, title: string) => {
    const target = targetOf(arg);
    const connection = target ? findConnection(target.registryKey) : undefined;
    if (!target || !connection) {
      void vscode.window.showErrorMessage(`${title} works on a repository in the ECR Registries view: right-click one there.`);
      return undefined;
    }
    return { target, connection, node: arg && 'kind' in arg && arg.kind === 'repository' ? arg : undefined };
  };

  register('ecr.toggleTagImmutability', async (arg?: Arg, wanted?: 'MUTABLE' | 'IMMUTABLE') => {
    const resolved = resolve(arg, 'Toggle Tag Immutability');
    if (!resolved) return undefined;
    const { target, connection, node } = resolved;
    const { describeRepository } = await import('../../core/ecr/management');
    const { setTagMutability, toggledMutability } = await import('../../core/ecr/repositorySettings');
    // The node may be stale (another person changed it): read the setting before flipping it.
    const current =
      node?.repository.tagMutability ??
      (await attempt(connection, `Could not read the settings of ${target.repository}`, async () =>
        (await describeRepository(await connection.client(), target.repository, connection.config.accountId))?.tagMutability,
      ));
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
      `$(${now.startsWith('IMMUTABLE') ? 'lock' : 'unlock'}) Tags of ${target.repository} are now ${now.startsWith('IMMUTABLE') ? 'immutable: a pushed tag cannot be moved' : 'mutable: a push can move a tag'}`,
      6000,
    );
    provider.refresh(connection.key);
    return now;
  });

  register('ecr.viewRepositoryPolicy', async (arg?: Arg) => {
    const resolved = resolve(arg, 'View Repository Policy');
    if (!resolved) return undefined;
    const { target, connection } = resolved;
    const { getRepositoryPolicy } = await import('../../core/ecr/repositorySettings');
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
    await documents.show(`/${connection.label}/${target.repository}.repository-policy.json`, read.text, 'json');
    return read.text;
  });
}
