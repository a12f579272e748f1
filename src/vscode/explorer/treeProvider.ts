import * as vscode from 'vscode';
import type { ExplorerModel } from '../../core/explorer/model';
import type { ExplorerNode } from '../../core/explorer/nodes';
import { imageTooltip, repositoryTooltip, toTreeItem } from './treeItems';

export const VIEW_ID = 'ecr.registries';

/** From this many rows under one node, the rows a listing replaced are let go of at once (getChildren). */
const RELEASE_REPLACED_ROWS_FROM = 500;

/**
 * The explorer model as VS Code's tree: nodes to TreeItems (treeItems.ts), the model's changes
 * to onDidChangeTreeData. Listing, filtering, marks and identity live in the model.
 */
export class RegistryTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly model: ExplorerModel) {
    this.subscription = model.onDidChange((node) => this.changed.fire(node));
  }

  dispose(): void {
    this.subscription.dispose();
    for (const timer of this.timers) clearTimeout(timer);
    this.changed.dispose();
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    // Image and repository tooltips are left undefined here: VS Code resolves only undefined properties (below).
    return toTreeItem(node);
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    const children = await this.model.children(node);
    // VS Code's extension host keeps the rows a getChildren replaces until the view's next change
    // event: after "Load more" up to 10,000 images, the 9,000 rows shown before. Redrawing one
    // leaf row is such an event and costs one row.
    if (children.length >= RELEASE_REPLACED_ROWS_FROM) {
      const leaf = [...children].reverse().find((child) => child.kind === 'loadMore' || child.kind === 'image' || child.kind === 'message');
      if (leaf) this.later(0, () => this.model.isCurrent(leaf) && this.changed.fire(leaf));
    }
    return children;
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref?.();
    this.timers.add(timer);
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return this.model.parent(node);
  }

  /**
   * Called when a person hovers a row (once per row build): the model may ask ECR for the scan
   * counts first. While a scan runs, the row is rebuilt later so a later hover asks again.
   */
  async resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (node.kind === 'repository') item.tooltip = repositoryTooltip(node);
    if (node.kind !== 'image') return item;
    const recheckAfterMs = await this.model.resolveScanStatus(node);
    if (recheckAfterMs !== undefined) this.later(recheckAfterMs, () => this.model.isCurrent(node) && this.changed.fire(node));
    if (!token.isCancellationRequested) item.tooltip = imageTooltip(node);
    return item;
  }
}
