// The explorer bench's peer: one root row whose children are plain rows handed over ready-made, in
// pages of 1,000 appended the only way a VS Code tree can append (refresh the parent, which sends
// every row again), like the explorer's "Load more". No API calls, no model: what is measured is
// VS Code's own cost (extension host, IPC, the workbench drawing the rows).
const vscode = require('vscode');

exports.activate = () => {
  const root = { id: 'root' };
  const more = { id: 'more' };
  const changed = new vscode.EventEmitter();
  let rows = [];
  let total = 0;
  let pageSize = 1000;
  let answeredAt = 0;
  const provider = {
    onDidChangeTreeData: changed.event,
    getChildren(element) {
      if (!element) return [root];
      if (element !== root) return [];
      const children = rows.length < total ? [...rows, more] : rows;
      answeredAt = performance.timeOrigin + performance.now();
      return children;
    },
    getParent: (element) => (element === root ? undefined : root),
    getTreeItem(element) {
      if (element === root) return Object.assign(new vscode.TreeItem('registry', vscode.TreeItemCollapsibleState.Collapsed), { id: 'root', contextValue: 'registry' });
      if (element === more) return Object.assign(new vscode.TreeItem('Load more…'), { id: 'more', contextValue: 'loadMore' });
      // About what an explorer row carries: label, description, icon, context value, id.
      const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = element.id;
      item.description = element.description;
      item.iconPath = new vscode.ThemeIcon('repo');
      item.contextValue = 'repository';
      return item;
    },
  };
  const view = vscode.window.createTreeView('peerTree.rows', { treeDataProvider: provider, showCollapseAll: true });
  const page = () => {
    const start = rows.length;
    for (let i = start; i < Math.min(total, start + pageSize); i++) rows.push({ id: `row-${i}`, label: `bench/repo-${String(i).padStart(4, '0')}`, description: `${(i % 97) + 1} images · pushed 3 days ago` });
  };
  return {
    /** Starts over with `count` rows to list, `size` per page; nothing listed until the root expands. */
    reset(count, size) {
      rows = [];
      total = count;
      pageSize = size;
      page();
      changed.fire(root);
    },
    /** Appends the next page (the data is there at once: the "answer" is ready when getChildren returns). */
    loadMore() {
      if (rows.length >= total) return false;
      page();
      changed.fire(root);
      return true;
    },
    /** Forgets every row (as the explorer's release on collapse does). */
    clear() {
      rows = [];
      total = 0;
      changed.fire(root);
    },
    /** A change event for a row not in the tree: VS Code's extension host then drops the rows it replaced (as the explorer does). */
    letGo: () => changed.fire({}),
    reveal: (options) => view.reveal(root, options),
    answeredAt: () => answeredAt,
  };
};
