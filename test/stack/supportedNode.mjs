// The repository's scripts (npm test, npm run demo) run their tools on a supported Node. Node 20
// reached end of life in April 2026; the dev tools (TypeScript, knip, esbuild's peers) require Node
// 22+ (npm printed 20 EBADENGINE warnings), and the AWS SDK drops Node 20 in January 2027. On an
// older Node the script runs itself again on Node 24, installed from npm into the cache as the VS
// Code server's Node already is.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const SUPPORTED_MAJOR = 22;

/** Re-runs `script` on Node 24 when this Node is older than 22; returns only when this Node is fine. */
export async function onSupportedNode(script) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= SUPPORTED_MAJOR || process.env.ECR_WB_ON_NODE24) return;
  const { ensureNode24 } = await import('./vscodeServer.mjs');
  const bin = ensureNode24();
  process.stderr.write(`[setup] Node ${process.versions.node} is older than ${SUPPORTED_MAJOR} (end of life): running ${path.basename(script)} on Node 24 from ${bin}\n`);
  const result = spawnSync(path.join(bin, 'node'), [script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    // npm and the tools it starts find Node 24 first.
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, ECR_WB_ON_NODE24: '1' },
  });
  process.exit(result.status ?? 1);
}
