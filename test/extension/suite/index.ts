/**
 * Entry point of the extension-host suite. VS Code (the VS Code server in Chromium, or desktop
 * VS Code through @vscode/test-electron) loads this file as `extensionTestsPath` and awaits run():
 * resolving means every test passed. Mocha is bundled in, so nothing is resolved from disk.
 */
import Mocha from 'mocha';

// esbuild cannot import by glob: each feature's suite is listed here.
const suites = [
  () => require('./activation.test'),
  () => require('./explorer.test'),
  () => require('./authoring.test'),
  () => require('./tasks.test'),
];

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.ECR_WB_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const load of suites) {
    mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
    load();
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      // The harness reads this line as the runner's summary.
      const total = mocha.suite.total();
      console.log(`extension-host: ${total - failures} passed, ${failures} failed`);
      failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve();
    });
  });
}
