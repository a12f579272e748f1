// The demo's workspace (an Aqueduct Dockerfile with a mistake to lint, and an ecr-build task), as
// test/stack/sample-data.json describes it. `npm run demo` opens it; the extension-host suite
// writes the same files into its workspace and runs the same task.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAMPLE_DATA = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'sample-data.json'), 'utf8'));

/** Writes the demo's files under `folder`; files already there are left as the user changed them. */
export function writeDemoWorkspace(folder) {
  for (const [relative, lines] of Object.entries(SAMPLE_DATA.workspace)) {
    const file = path.join(folder, relative);
    if (existsSync(file)) continue;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, lines.join('\n'));
  }
  return folder;
}
