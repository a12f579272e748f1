import * as vscode from 'vscode';
import { getRepositoryPolicy, isImmutable, setTagMutability, toggledMutability } from '../../core/ecr/repositorySettings';
import { optionArgument } from '../../core/explorer/arguments';
import type { Commands } from '../commands';
import type { Connection } from './connections';
import type { Explorer } from './explorer';
import type { ReadOnlyDocuments } from './readOnlyDocuments';

/** The repository's settings as ECR holds them now, or undefined after showing why they could not be read. */
export async function currentSettings(explorer: Explorer, connection: Connection, repository: string) {
  const { describeRepository } = await import('../../core/ecr/management');
  const read = await explorer.attempt(connection, `Could not read the settings of ${repository}`, async () => ({
    found: await describeRepository(await connection.client(), repository, connection.config.accountId),
  }));
  if (read && !read.found) void explorer.report(`${repository} no longer exists in ${connection.label}. Refresh the registry.`);
  return read?.found;
}

/** Repository settings: the plain tag-mutability toggle (scripts; the menu has Tag Mutability…) and the repository policy, shown read-only as JSON. */
export function repositorySettingsCommands(
  explorer: Explorer,
  documents: ReadOnlyDocuments,
): Commands<'ecr.toggleTagImmutability' | 'ecr.viewRepositoryPolicy'> {
  const { model } = explorer;
  const attempt = explorer.attempt.bind(explorer);
  const withProgress = explorer.withProgress.bind(explorer);
  const resolve = (arg: unknown, title: string) => explorer.targets.repository(arg, title);

  const setMutability = async (arg: unknown, option: unknown, title: string) => {
    const wantedArg = optionArgument(option);
    if (wantedArg !== undefined && wantedArg !== 'MUTABLE' && wantedArg !== 'IMMUTABLE') {
      void explorer.report(`${title}: "${String(wantedArg)}" is neither MUTABLE nor IMMUTABLE.`);
      return undefined;
    }
    const wanted: 'MUTABLE' | 'IMMUTABLE' | undefined = wantedArg;
    const resolved = resolve(arg, title);
    if (!resolved) return undefined;
    const { target, connection, node } = resolved;
    // The row may be stale (someone changed the setting since it was listed): flip what ECR holds now.
    const current = wanted ? (node?.kind === 'repository' ? node.repository.tagMutability : undefined) : (await currentSettings(explorer, connection, target.repository))?.tagMutability;
    if (!wanted && !current) return undefined;
    const next = wanted ?? toggledMutability(current!);
    if (current?.includes('WITH_EXCLUSION')) {
      const answer = await explorer.services.modals.show(
        'warning',
        `${target.repository} has tag mutability exclusion filters (${current.toLowerCase().replace(/_/g, ' ')}). Making its tags ${next.toLowerCase()} removes the filters.`,
        'Tag Mutability… keeps them.',
        `Make Tags ${next === 'IMMUTABLE' ? 'Immutable' : 'Mutable'}`,
      );
      if (!answer) return undefined;
    }
    const now = await attempt(connection, `Could not change tag mutability of ${target.repository}`, () =>
      withProgress(`Making tags of ${target.repository} ${next.toLowerCase()}…`, async () => setTagMutability(await connection.client(), target.repository, next, connection.config.accountId)),
    );
    if (now === undefined) return undefined;
    model.updateRepository(connection.key, target.repository, { tagMutability: now, tagMutabilityExclusionFilters: [] });
    void explorer.done(
      isImmutable(now) ? `Tags of ${target.repository} are now immutable: a pushed tag cannot be moved.` : `Tags of ${target.repository} are now mutable: a push can move a tag.`,
    );
    return now;
  };

  return {
  'ecr.toggleTagImmutability': (arg, option) => setMutability(arg, option, 'Toggle Tag Immutability'),

  'ecr.viewRepositoryPolicy': async (arg) => {
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
      explorer.tell(`${target.repository} has no repository policy`);
      void vscode.window.showInformationMessage(
        `${target.repository} has no repository policy: access is granted by IAM policies in account ${connection.accountId ?? 'of the credentials'} alone.`,
      );
      return null;
    }
    await documents.show(`/${connection.key}/${target.repository}.repository-policy.json`, read.text, 'json');
    return read.text;
  },
  };
}
