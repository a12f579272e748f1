import type { ExplorerModel } from '../../core/explorer/model';
import type { ExplorerNode } from '../../core/explorer/nodes';
import type { TreeSnapshotEntry } from '../testApi';
import { toTreeItem } from './treeItems';

/** The tree as a person would read it: labels, descriptions, context values; for tests and benches. */
export async function treeSnapshot(model: ExplorerModel, expandRepositories: string[] = []): Promise<TreeSnapshotEntry[]> {
  const walk = async (nodes: ExplorerNode[]): Promise<TreeSnapshotEntry[]> =>
    Promise.all(
      nodes.map(async (node) => {
        const item = toTreeItem(node);
        const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
        const expand =
          node.kind === 'registry' ||
          ((node.kind === 'pullThroughGroup' || node.kind === 'templateGroup') && expandRepositories.includes(label)) ||
          node.kind === 'untagged' ||
          node.kind === 'archived' ||
          (node.kind === 'image' && Boolean(node.childCount)) ||
          (node.kind === 'repository' && (expandRepositories.includes(node.repository.name) || expandRepositories.includes('*')));
        // Children first: listing them updates the parent's own row (e.g. "12 repositories").
        const children = expand ? await walk(await model.children(node)) : undefined;
        // The row again after its children: listing them may have changed its description.
        const drawn = children ? toTreeItem(node) : item;
        const entry: TreeSnapshotEntry = {
          kind: node.kind,
          label,
          description: typeof drawn.description === 'string' ? drawn.description : undefined,
          contextValue: drawn.contextValue,
        };
        if (children) entry.children = children;
        return entry;
      }),
    );
  return walk(await model.children());
}
