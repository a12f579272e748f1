import * as vscode from 'vscode';
import { isNode, type ImageNode, type RepositoryNode } from '../../core/explorer/nodes';
import { registryNameOf, repositoryTargetOf, type RepositoryTarget } from '../../core/explorer/targets';
import { runCommand } from '../commands';
import type { Report } from '../report';
import type { Connection } from './connections';

/** A repository or image target with its registry's connection; `node` when a tree row was clicked. */
export interface ResolvedTarget {
  target: RepositoryTarget & { registryKey: string };
  connection: Connection;
  node: RepositoryNode | ImageNode | undefined;
}

/**
 * The one answer to "what does this command act on": a tree node (menus, inline buttons), the
 * arguments of the palette or another feature, or, for a registry, a pick. One wording for every
 * command; nothing is changed when the answer is "nothing usable".
 */
export class TargetResolver {
  constructor(
    private readonly connections: () => readonly Connection[],
    private readonly report: Report,
  ) {}

  /** A registry by key, label or "<account>/<region>"; the first when no name is given. */
  find(nameOrKey?: string): Connection | undefined {
    const all = this.connections();
    if (!nameOrKey) return all[0];
    return (
      all.find((connection) => connection.key === nameOrKey) ??
      all.find((connection) => connection.label === nameOrKey) ??
      all.find((connection) => `${connection.accountId}/${connection.region}` === nameOrKey)
    );
  }

  /**
   * The registry `arg` names (any tree node, `{ registryKey }`, `{ registry }`, a key or label);
   * with none named, the only registry, or a pick among several. Undefined after saying why.
   */
  async registry(arg: unknown, purpose: string): Promise<Connection | undefined> {
    const name = registryNameOf(arg);
    if (name) {
      const found = this.find(name);
      if (!found) this.offerAddRegistry(`${purpose}: no registry "${name}" in ecr.registries. Name one by its label or "<account>/<region>" key, or add it.`);
      return found;
    }
    const all = this.connections();
    if (all.length === 0) {
      this.offerAddRegistry(`${purpose}: no ECR registry is configured yet.`);
      return undefined;
    }
    if (all.length === 1) return all[0];
    const picked = await vscode.window.showQuickPick(
      all.map((connection) => ({ label: connection.label, description: connection.key, connection })),
      { title: `${purpose}: which registry?` },
    );
    return picked?.connection;
  }

  /**
   * The repository (or, with `image`, the one image by tag or digest) a command acts on. `where`
   * and `pick` finish the sentence that tells a person where the command works.
   */
  repository(
    arg: unknown,
    purpose: string,
    { where = 'a repository', pick = 'one', image = false }: { where?: string; pick?: string; image?: boolean } = {},
  ): ResolvedTarget | undefined {
    const target = repositoryTargetOf(arg);
    const connection = target ? this.find(target.registryKey) : undefined;
    if (!target || !connection || (image && !target.tag && !target.digest)) {
      void this.report(`${purpose} works on ${where} in the ECR Registries view: right-click ${pick} there.`);
      return undefined;
    }
    const node = isNode(arg, 'repository', 'image') ? arg : undefined;
    return { target: { ...target, registryKey: connection.key }, connection, node };
  }

  /** An error with an "Add Registry…" action, not awaited: the command should not stay open until it is dismissed. */
  private offerAddRegistry(message: string): void {
    void this.report(message, undefined, { fixes: [{ title: 'Add Registry…', run: () => runCommand('ecr.addRegistry') }] });
  }
}
