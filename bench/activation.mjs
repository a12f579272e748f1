// Packages the extension and prints the .vsix size, the bundle size, and the activation time
// measured in the real extension host (VS Code server), median of several cold starts of the
// installed .vsix. Run: npm run bench (or node bench/activation.mjs [starts]).
import { spawnSync } from 'node:child_process';
import { statSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../test/stack/stack.mjs';
import { installExtension } from '../test/stack/vscodeServer.mjs';
import { runExtensionSuite } from '../test/extension/server.mjs';
import { median } from './stats.mjs';

const starts = Number(process.argv[2] ?? 7);
// The probe bundle comes from the development build; then the production package.
if (spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'ignore' }).status !== 0) throw new Error('build failed');
const pack = spawnSync('npm', ['run', '-s', 'package'], { cwd: REPO, encoding: 'utf8' });
if (pack.status !== 0) throw new Error(`npm run package failed:\n${pack.stdout}${pack.stderr}`);
const vsix = path.join(REPO, 'dist', 'ecr-workbench.vsix');
const bundle = path.join(REPO, 'dist', 'extension.js');
const vsixBytes = statSync(vsix).size;
const bundleBytes = statSync(bundle).size;

const extensionsDir = path.join(REPO, 'test-output', 'bench-extensions');
rmSync(extensionsDir, { recursive: true, force: true });
mkdirSync(extensionsDir, { recursive: true });
installExtension(vsix, extensionsDir);
const installed = path.join(extensionsDir, readdirSync(extensionsDir).find((name) => name.startsWith('ecr-workbench.')));

const activate = [];
const loadAndActivate = [];
for (let i = 0; i < starts; i++) {
  await runExtensionSuite({
    stackEnv: {},
    extensionPath: installed,
    testsPath: path.join(REPO, 'dist', 'test', 'bench', 'activation.js'),
    onLine: (line) => {
      const match = line.match(/activate\(\)=([\d.]+)ms load\+activate=([\d.]+)ms/);
      if (match) {
        activate.push(Number(match[1]));
        loadAndActivate.push(Number(match[2]));
      }
    },
  });
}
// Restore the development build that `npm run package` replaced.
spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'ignore' });

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
console.log(`vsix size:            ${mb(vsixBytes)} (${vsixBytes} bytes; target < 1.5 MB)`);
console.log(`bundle size:          ${mb(bundleBytes)} (dist/extension.js, minified)`);
console.log(`activate() median:    ${median(activate).toFixed(2)} ms over ${activate.length} cold starts (target < 50 ms; min ${Math.min(...activate).toFixed(2)}, max ${Math.max(...activate).toFixed(2)})`);
console.log(`load+activate median: ${median(loadAndActivate).toFixed(2)} ms (module load of the bundle included, as seen from the host)`);
if (activate.length < starts) {
  console.log(`only ${activate.length} of ${starts} starts reported a figure`);
  process.exitCode = 1;
}
