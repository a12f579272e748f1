import type { CreateRepositoryOptions } from '../ecr/management';
import { repositoryNameProblem } from '../ecr/names';
import { isNode } from './nodes';

/**
 * Plain arguments some commands take instead of prompting (tests, scripts, other features),
 * checked before anything is done. Each answers: usable values, a problem to show, or
 * `undefined` for "nothing given" (then the command asks). A tree node is never such an
 * argument: a view title passes the focused row to its commands, and that row must not be
 * mistaken for, say, a registry entry.
 */

/** An `ecr.registries` entry, as `ecr.addRegistry` takes it. */
export interface RegistryEntry {
  region: string;
  accountId?: string;
  profile?: string;
  credentialsFile?: string;
  label?: string;
}

const REGISTRY_FIELDS = ['region', 'accountId', 'profile', 'credentialsFile', 'label'] as const;

export function registryEntryArgument(arg: unknown): { entry: RegistryEntry } | { problem: string } | undefined {
  if (!arg || typeof arg !== 'object' || isNode(arg)) return undefined;
  const fields = arg as Record<string, unknown>;
  const wrong = REGISTRY_FIELDS.filter((field) => fields[field] !== undefined && typeof fields[field] !== 'string');
  if (typeof fields.region !== 'string' || wrong.length) {
    const what = wrong.length ? `${wrong.join(', ')} ${wrong.length === 1 ? 'is' : 'are'} not text` : 'region is missing';
    return { problem: `Add Registry takes { region, accountId?, profile?, credentialsFile?, label? }: ${what}.` };
  }
  const entry = Object.fromEntries(REGISTRY_FIELDS.filter((field) => fields[field] !== undefined).map((field) => [field, fields[field]]));
  // fromEntries types its result as a plain record; the fields were each checked to be text above.
  return { entry: entry as unknown as RegistryEntry };
}

/** `ecr.createRepository`'s preset (name required; the rest default as the prompts do). */
export function createRepositoryArgument(arg: unknown): { preset: CreateRepositoryOptions } | { problem: string } | undefined {
  if (!arg || typeof arg !== 'object' || isNode(arg)) return undefined;
  const { name, tagMutability, scanOnPush, encryption, kmsKey } = arg as Record<string, unknown>;
  if (typeof name !== 'string') return { problem: 'Create Repository takes { name, registryKey?, tagMutability?, scanOnPush?, encryption?, kmsKey? }: name is missing.' };
  const problem = repositoryNameProblem(name);
  if (problem) return { problem: `Cannot create "${name}": ${problem}` };
  if (tagMutability !== undefined && tagMutability !== 'MUTABLE' && tagMutability !== 'IMMUTABLE') return { problem: 'Create Repository: tagMutability is MUTABLE or IMMUTABLE.' };
  if (scanOnPush !== undefined && typeof scanOnPush !== 'boolean') return { problem: 'Create Repository: scanOnPush is true or false.' };
  if (encryption !== undefined && encryption !== 'AES256' && encryption !== 'KMS') return { problem: 'Create Repository: encryption is AES256 or KMS.' };
  if (kmsKey !== undefined && typeof kmsKey !== 'string') return { problem: 'Create Repository: kmsKey is a key ARN or id.' };
  return { preset: { name, tagMutability: tagMutability ?? 'MUTABLE', scanOnPush: scanOnPush ?? false, encryption: { type: encryption ?? 'AES256', kmsKey } } };
}

/**
 * A command's option argument (a Copy As format, a policy text, …) as given, or undefined when it
 * is the selection: a context menu in a multi-select tree passes the selected rows second, and
 * those rows are not an option value.
 */
export function optionArgument(value: unknown): unknown {
  return Array.isArray(value) && value.length > 0 && value.every((item) => isNode(item)) ? undefined : value;
}
