import { isNode } from './nodes';

/**
 * What a command acts on, read from whatever it was given: a tree node (menus, inline buttons),
 * or plain data (the palette's arguments, tests, scripts, other features). Pure: the VS Code
 * layer's resolver (src/vscode/explorer/targets.ts) adds the messages and the pick.
 */

/** A repository, or one image in it (by tag or digest), with the registry it is in. */
export interface RepositoryTarget {
  registryKey?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const optionalString = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';

/** A repository or image target from a tree node or a plain `RepositoryTarget`; undefined for anything else. */
export function repositoryTargetOf(arg: unknown): RepositoryTarget | undefined {
  if (isNode(arg, 'repository')) return { registryKey: arg.registryKey, repository: arg.repository.name };
  if (isNode(arg, 'image')) return { registryKey: arg.registryKey, repository: arg.repositoryName, tag: arg.tag, digest: arg.image.digest };
  if (isNode(arg)) return undefined;
  if (!arg || typeof arg !== 'object') return undefined;
  const { registryKey, repository, tag, digest } = arg as Record<string, unknown>;
  if (typeof repository !== 'string' || !repository || !optionalString(registryKey) || !optionalString(tag) || !optionalString(digest)) return undefined;
  return { registryKey, repository, tag, digest };
}

/**
 * The registry an argument names: any tree node's registry, `{ registryKey }`, `{ registry }` or a
 * plain string (a key or label). `undefined` when it names none (then the caller picks).
 */
export function registryNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg || undefined;
  if (isNode(arg)) return arg.registryKey;
  if (!arg || typeof arg !== 'object') return undefined;
  const { registryKey, registry } = arg as Record<string, unknown>;
  if (typeof registryKey === 'string' && registryKey) return registryKey;
  if (typeof registry === 'string' && registry) return registry;
  return undefined;
}

export const describeTarget = (target: RepositoryTarget) =>
  `${target.repository}${target.tag ? `:${target.tag}` : target.digest ? `@${target.digest.slice(0, 19)}` : ''}`;
