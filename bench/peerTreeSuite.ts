/**
 * Loaded by bench/explorer.mjs as extensionTestsPath with bench/peerTree as the extension: the same
 * listings as bench/explorerSuite.ts (5,000 rows, then 10,000, in pages of 1,000 appended by
 * refreshing the parent, each page awaited with TreeView.reveal) through a tree that does nothing
 * but hand VS Code ready rows. What it measures is VS Code's own cost per row on this machine, the
 * floor under the explorer's "own" time and memory; bench/explorer.mjs prints the ratio.
 */
import * as vscode from 'vscode';
import { collectGarbage, idle, memoryLine } from './hostMemory';

interface PeerTree {
  reset(count: number, pageSize: number): void;
  loadMore(): boolean;
  clear(): void;
  letGo(): void;
  reveal(options: { expand?: boolean; select?: boolean; focus?: boolean }): Thenable<void>;
  answeredAt(): number;
}

const wallClock = () => performance.timeOrigin + performance.now();
const ms = (value: number) => value.toFixed(1);

export async function run(): Promise<void> {
  const runs = Number(process.env.ECR_WB_BENCH_RUNS ?? 5);
  const listings: [string, number][] = [
    ['repositories', Number(process.env.ECR_WB_BENCH_REPOSITORIES ?? 5000)],
    ['images', Number(process.env.ECR_WB_BENCH_IMAGES ?? 10000)],
  ];
  const extension = vscode.extensions.getExtension<PeerTree>('ecr-workbench-bench.peer-tree');
  if (!extension) throw new Error('the peer tree extension (bench/peerTree) is not loaded');
  const peer = await extension.activate();

  await vscode.commands.executeCommand('workbench.view.extension.peerTree');
  await vscode.commands.executeCommand('peerTree.rows.focus');
  peer.reset(0, 1000);
  await peer.reveal({ expand: false });
  await collectGarbage();
  console.log(memoryLine('start (after GC)'));

  for (let run = 1; run <= runs; run++) {
    for (const [what, total] of listings) {
      await vscode.commands.executeCommand('workbench.actions.treeView.peerTree.rows.collapseAll');
      peer.reset(total, 1000);
      await peer.reveal({ expand: false });
      if (what === 'repositories') {
        peer.letGo();
        await idle();
        await collectGarbage();
        console.log(memoryLine(`before listing run=${run}`));
      }
      const started = wallClock();
      await peer.reveal({ expand: true });
      const shownAt = [wallClock()];
      const afterAnswer = [shownAt[0] - peer.answeredAt()];
      while (peer.loadMore()) {
        await peer.reveal({ expand: true });
        shownAt.push(wallClock());
        afterAnswer.push(shownAt.at(-1)! - peer.answeredAt());
      }
      console.log(
        `[suite] ${what} run=${run} first=${ms(shownAt[0] - started)}ms firstAfterResponse=${ms(afterAnswer[0])}ms ` +
          `full=${ms(shownAt.at(-1)! - started)}ms pageAfterResponse=${afterAnswer.map(ms).join('/')}ms pages=${shownAt.length}`,
      );
    }
    console.log(memoryLine(`after listing run=${run}`));
    peer.letGo();
    await idle();
    await collectGarbage();
    console.log(memoryLine(`after listing and GC run=${run}`));
  }
  // The explorer releases a collapsed registry's listings; the peer forgets its rows at once.
  await vscode.commands.executeCommand('workbench.actions.treeView.peerTree.rows.collapseAll');
  peer.clear();
  await peer.reveal({ expand: false });
  peer.letGo();
  await idle();
  await collectGarbage();
  console.log(memoryLine('after collapse and GC'));
}
