import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { ClassifiedError } from '../../core/ecr/errors';
import type { Services } from '../services';
import type { Connection } from './connections';
import type { ImageNode, RepositoryNode } from './nodes';
import type { RegistryTreeProvider } from './treeProvider';

/** What the explorer's feature commands (copy as, lifecycle, scanning, settings, pull) borrow from it. */
export interface ExplorerCommandContext {
  services: Services;
  provider: RegistryTreeProvider;
  log: Logger;
  findConnection(nameOrKey?: string): Connection | undefined;
  /** Runs an ECR call; on failure shows the classified message with its action and returns undefined. */
  attempt<T>(connection: Connection, what: string, work: () => PromiseLike<T>): Promise<T | undefined>;
  classify(error: unknown, connection?: Connection): ClassifiedError;
  withProgress<T>(title: string, work: (progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>): Thenable<T>;
  register(id: string, handler: (...args: never[]) => unknown): void;
}

/**
 * A repository or image as a command receives it: a tree node (menus), or plain data (tests,
 * scripts, other features), so no command needs tree node objects to be driven.
 */
export interface RepositoryTarget {
  registryKey?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export function targetOf(arg: RepositoryNode | ImageNode | RepositoryTarget | undefined): RepositoryTarget | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  if ('kind' in arg && arg.kind === 'repository') return { registryKey: arg.registryKey, repository: arg.repository.name };
  if ('kind' in arg && arg.kind === 'image') return { registryKey: arg.registryKey, repository: arg.repositoryName, tag: arg.tag, digest: arg.image.digest };
  const plain = arg as RepositoryTarget;
  return typeof plain.repository === 'string' && plain.repository ? plain : undefined;
}

export const describeTarget = (target: RepositoryTarget) =>
  `${target.repository}${target.tag ? `:${target.tag}` : target.digest ? `@${target.digest.slice(0, 19)}` : ''}`;

/**
 * The target and its registry connection for a command that needs one, or undefined after telling
 * the person where the command works. The target's registryKey is the connection's key.
 * `image: true` also requires a tag or a digest (a command that acts on one image).
 */
export function resolveTarget<Node extends RepositoryNode | ImageNode>(
  context: Pick<ExplorerCommandContext, 'findConnection'>,
  arg: Node | RepositoryTarget | undefined,
  title: string,
  { where = 'a repository', pick = 'one', image = false }: { where?: string; pick?: string; image?: boolean } = {},
): { target: RepositoryTarget; connection: Connection; node: Node | undefined } | undefined {
  const target = targetOf(arg);
  const connection = target ? context.findConnection(target.registryKey) : undefined;
  if (!target || !connection || (image && !target.tag && !target.digest)) {
    void vscode.window.showErrorMessage(`${title} works on ${where} in the ECR Registries view: right-click ${pick} there.`);
    return undefined;
  }
  const node = arg && 'kind' in arg ? (arg as Node) : undefined;
  return { target: { ...target, registryKey: connection.key }, connection, node };
}
