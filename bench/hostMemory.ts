/** The extension host's memory, as the bench suites running inside it read it. */
import * as inspector from 'node:inspector';

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** A full collection through the inspector protocol: the extension host runs without --expose-gc. */
export async function collectGarbage(): Promise<void> {
  const session = new inspector.Session();
  session.connect();
  try {
    for (let pass = 0; pass < 2; pass++) {
      await new Promise<void>((resolve, reject) => session.post('HeapProfiler.collectGarbage', (error) => (error ? reject(error) : resolve())));
    }
  } finally {
    session.disconnect();
  }
}

/** One "[suite] memory <label>: rss=… heapUsed=…" line, as bench/explorer.mjs parses it. */
export function memoryLine(label: string): string {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return `[suite] memory ${label}: rss=${mib(rss)} heapUsed=${mib(heapUsed)} heapTotal=${mib(heapTotal)} external=${mib(external)} (MiB)`;
}

/**
 * Memory after a listing is read once the view has been idle a moment, as a sidebar is when a person
 * reads it: VS Code's extension host drops the rows a listing replaced at the view's next change
 * event, which the explorer sends after 1 s of quiet (src/vscode/explorer/treeProvider.ts) and the
 * peer at once. Not a stand-in for a condition: the idle time is what is measured after.
 */
export const idle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2000));
