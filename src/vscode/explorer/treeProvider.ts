import * as vscode from 'vscode';
import type { ExplorerModel } from '../../core/explorer/model';
import type { ExplorerNode } from '../../core/explorer/nodes';
import { imageTooltip, repositoryTooltip, toTreeItem } from './treeItems';

export const VIEW_ID = 'ecr.registries';

/**
 * VS Code's extension host keeps the rows a change replaced (after "Load more", the 9,000 rows shown
 * before; after a collapsed registry let go of its listing, every row that was under it) until the
 * view's next change event. Once the view has been quiet this long, an event for a row that is not
 * in the tree, which VS Code skips without redrawing anything, lets them go. Not sooner: VS Code
 * holds a change that follows another within 200 ms (and TreeView.reveal waits for it), so an
 * event in the middle of paging would delay the next page.
 */
const LET_GO_AFTER_QUIET_MS = 1000;
const NOT_A_ROW = Object.freeze({}) as ExplorerNode;

/**
 * The explorer model as VS Code's tree: nodes to TreeItems (treeItems.ts), the model's changes
 * to onDidChangeTreeData. Listing, filtering, marks and identity live in the model.
 */
export class RegistryTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };
  private readonly timers = new Set<NodeJS.Timeout>();
  private letGoTimer: NodeJS.Timeout | undefined;

  constructor(private readonly model: ExplorerModel) {
    this.subscription = model.onDidChange((node) => {
      this.changed.fire(node);
      this.letGoWhenQuiet();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    for (const timer of this.timers) clearTimeout(timer);
    clearTimeout(this.letGoTimer);
    this.changed.dispose();
  }

  /** (Re)starts the quiet period after which VS Code is told to let go of replaced rows (LET_GO_AFTER_QUIET_MS). */
  private letGoWhenQuiet(): void {
    clearTimeout(this.letGoTimer);
    this.letGoTimer = setTimeout(() => this.changed.fire(NOT_A_ROW), LET_GO_AFTER_QUIET_MS);
    this.letGoTimer.unref?.();
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    // Image and repository tooltips are left undefined here: VS Code resolves only undefined properties (below).
    return toTreeItem(node);
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    const children = await this.model.children(node);
    // The rows these replace stay in VS Code's extension host until the next change event.
    this.letGoWhenQuiet();
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
