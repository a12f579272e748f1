/**
 * Entry point of the extension-host suite. VS Code (the VS Code server in Chromium, or desktop
 * VS Code through @vscode/test-electron) loads this file as `extensionTestsPath` and awaits run():
 * resolving means every test passed. Mocha is bundled in, so nothing is resolved from disk.
 */
import Mocha from 'mocha';
import { format } from 'node:util';

// esbuild cannot import by glob: each feature's suite is listed here. require(), not import: a suite's
// describe() calls must run after mocha's 'pre-require' has set its globals (imports run first).
/* eslint-disable @typescript-eslint/no-require-imports */
const suites = [
  () => require('./activation.test'),
  () => require('./explorer.test'),
  () => require('./authoring.test'),
  () => require('./shellcheck.test'),
  () => require('./buildChecks.test'),
  () => require('./tasks.test'),
  () => require('./beyond.test'),
  () => require('./demo.test'),
  () => require('./commands.test'),
  () => require('./polish.test'),
  () => require('./policies.test'),
  () => require('./pullThrough.test'),
  () => require('./images.test'),
  () => require('./imageOps.test'),
  () => require('./anywhere.test'),
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The page console shows mocha's `%s`/`%d` format strings unformatted (and the extension host
 * does not let console.log be replaced), so the reporter's lines are formatted here and tagged
 * for the harness, which forwards only tagged lines (and errors) to its stdout.
 */
function reportLine(...args: unknown[]): void {
  console.log(`[suite] ${format(...args)}`);
}

export function run(): Promise<void> {
  (Mocha.reporters.Base as unknown as { consoleLog: typeof reportLine }).consoleLog = reportLine;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.ECR_WB_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const load of suites) {
    mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
    load();
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // The harness reads this line as the runner's summary (only the tests that ran count).
      reportLine(`extension-host: ${runner.stats?.passes ?? 0} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
