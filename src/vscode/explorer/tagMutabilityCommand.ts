import * as vscode from 'vscode';
import { describeTagMutability, tagMutabilityFrom, tagMutabilityProblems, type TagMutabilitySettings } from '../../core/ecr/tagMutability';
import { optionArgument } from '../../core/explorer/arguments';
import type { Commands } from '../commands';
import type { Explorer } from './explorer';
import { currentSettings } from './repositorySettingsCommands';
import { askTagMutability } from './tagMutabilityEditor';

const TITLE = 'Tag Mutability';

/** Settings given to the command (scripts, tests): `{ mode, exclusionFilters: ['latest'] }` or the SDK's filter objects. */
function settingsArgument(explorer: Explorer, option: unknown): { settings?: TagMutabilitySettings } | undefined {
  const value = optionArgument(option) as { mode?: unknown; exclusionFilters?: unknown } | undefined;
  if (value === undefined) return {};
  const filters = Array.isArray(value.exclusionFilters) ? value.exclusionFilters : value.exclusionFilters === undefined ? [] : undefined;
  const entries = filters?.map((entry) => (typeof entry === 'string' ? { filterType: 'WILDCARD', filter: entry } : entry)) as Array<{ filterType?: string; filter: string }> | undefined;
  const problems =
    typeof value !== 'object' || typeof value.mode !== 'string' || !entries || entries.some((entry) => typeof entry?.filter !== 'string')
      ? ['it takes { mode, exclusionFilters?: string[] }.']
      : tagMutabilityProblems({ mode: value.mode, exclusionFilters: entries });
  if (problems.length) {
    void explorer.report(`${TITLE}: ${problems.join(' ')}`);
    return undefined;
  }
  return { settings: tagMutabilityFrom(value.mode as string, entries) };
}

const sameSettings = (a: TagMutabilitySettings, b: TagMutabilitySettings) =>
  a.mode === b.mode && a.exclusionFilters.map((entry) => entry.filter).join('\n') === b.exclusionFilters.map((entry) => entry.filter).join('\n');

/**
 * "Tag Mutability…": the mode (all four) and the exclusion filters, read fresh from ECR, edited,
 * and written with PutImageTagMutability. Filters the change would remove are named in a modal first.
 * Returns the settings ECR now holds, or undefined when nothing changed.
 */
async function editTagMutability(explorer: Explorer, arg: unknown, option: unknown): Promise<TagMutabilitySettings | undefined> {
  const given = settingsArgument(explorer, option);
  const resolved = given && explorer.targets.repository(arg, TITLE);
  if (!resolved) return undefined;
  const { target, connection } = resolved;
  // The row may be stale: edit what ECR holds now.
  const found = await currentSettings(explorer, connection, target.repository);
  if (!found) return undefined;
  const current = tagMutabilityFrom(found.tagMutability, found.tagMutabilityExclusionFilters);
  const wanted = given.settings ?? (await askTagMutability(target.repository, current));
  if (!wanted) return undefined;
  if (sameSettings(wanted, current)) {
    void vscode.window.showInformationMessage(`${target.repository} already has these settings (${describeTagMutability(current)}); nothing changed.`);
    return undefined;
  }
  const kept = new Set(wanted.exclusionFilters.map((entry) => entry.filter));
  const dropped = current.exclusionFilters.map((entry) => entry.filter).filter((filter) => !kept.has(filter));
  if (dropped.length) {
    const button = 'Save and Remove Filters';
    const answer = await explorer.services.modals.show(
      'warning',
      `Remove the exclusion filter${dropped.length === 1 ? '' : 's'} ${dropped.join(', ')} from ${target.repository}?`,
      `Now: ${describeTagMutability(current)}.\nAfter: ${describeTagMutability(wanted)}.\nECR keeps no copy of removed filters.`,
      button,
    );
    if (answer !== button) return undefined;
  }
  const { putTagMutability } = await import('../../core/ecr/repositorySettings');
  const now = await explorer.attempt(connection, `Could not change tag mutability of ${target.repository}`, () =>
    explorer.withProgress(`Setting tag mutability of ${target.repository}…`, async () => putTagMutability(await connection.client(), target.repository, wanted, connection.config.accountId)),
  );
  if (!now) return undefined;
  explorer.model.updateRepository(connection.key, target.repository, { tagMutability: now.mode, tagMutabilityExclusionFilters: now.exclusionFilters });
  explorer.log.info(`tag mutability of ${target.repository}: ${now.mode}${now.exclusionFilters.length ? ` (${now.exclusionFilters.map((entry) => entry.filter).join(', ')})` : ''}`);
  void explorer.done(`${target.repository}: ${describeTagMutability(now)}`);
  return now;
}

export const tagMutabilityCommands = (explorer: Explorer): Commands<'ecr.editTagMutability'> => ({
  'ecr.editTagMutability': (arg, option) => editTagMutability(explorer, arg, option),
});
