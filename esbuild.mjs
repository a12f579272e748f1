// Bundles the extension for the node extension host: one CommonJS file, `vscode` external.
//   node esbuild.mjs                 development build (sourcemaps, not minified) + test bundles
//   node esbuild.mjs --production    minified, no test bundles: what the .vsix ships
//   node esbuild.mjs --watch         rebuild on change
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync, statSync, existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const shared = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  minify: production,
  logLevel: 'warning',
  // dockerode -> docker-modem -> ssh2 optionally loads native add-ons (cpu-features, sshcrypto.node).
  // They compile only on some machines; left external, ssh2's own try/catch falls back to JS.
  external: ['vscode', 'cpu-features', '*.node'],
  // The AWS SDK and dockerode ship ESM "module" builds that esbuild can tree-shake.
  mainFields: ['module', 'main'],
  // `await import('@aws-sdk/client-ecr')` must become a require() of the vendor file: a native
  // import() of a CommonJS file only sees the export names Node's lexer can detect.
  supported: { 'dynamic-import': false },
};

/**
 * Heavy packages go into their own bundles under dist/vendor/, required by the main bundle only
 * where the code first uses them (all such imports are dynamic or inside functions). Activation
 * then parses ~200 KB instead of ~1.5 MB: dockerode alone brings ssh2, gRPC and protobufjs for
 * BuildKit sessions.
 */
const VENDOR = {
  // The two AWS packages share @smithy/*: one file keeps one copy. Both are plain namespaces.
  aws: ['@aws-sdk/client-ecr', '@aws-sdk/credential-providers'],
  // CommonJS packages whose export is a function or class get a file each.
  dockerode: ['dockerode'],
  dockerignore: ['@balena/dockerignore'],
  // Read only when a task's properties are wrong (its Problems entry on tasks.json).
  jsonc: ['jsonc-parser'],
};
const vendorOf = Object.fromEntries(Object.entries(VENDOR).flatMap(([file, packages]) => packages.map((name) => [name, file])));
const splitVendors = {
  name: 'split-vendors',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(vendorOf).map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `./vendor/${vendorOf[args.path]}.js`, external: true }));
  },
};
const vendorBuilds = () => Object.entries(VENDOR).map(([file, packages]) => ({
  ...shared,
  // One namespace per vendor file; the packages' export names do not collide.
  stdin: {
    contents:
      packages.length === 1
        ? // A CommonJS package that also sets `exports.default` (as @balena/dockerignore does) can
          // come out as { default }: hand out the function itself, as Node's require() does.
          `const m = require(${JSON.stringify(packages[0])}); module.exports = typeof m !== 'function' && m && typeof m.default === 'function' && Object.keys(m).length === 1 ? m.default : m;`
        : `module.exports = Object.assign({}, ${packages.map((name) => `require(${JSON.stringify(name)})`).join(', ')});`,
    resolveDir: process.cwd(),
    loader: 'js',
  },
  outfile: `dist/vendor/${file}.js`,
  metafile: true,
  plugins: [reportSizes],
}));

/** Prints the size of each output and writes the metafile next to it for `esbuild --analyze`. */
const reportSizes = {
  name: 'report-sizes',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0) return;
      if (result.metafile && !build.initialOptions.outfile.includes('/vendor/')) {
        const name = build.initialOptions.outfile.replace(/\.js$/, '.meta.json');
        writeFileSync(name, JSON.stringify(result.metafile));
      }
      const file = build.initialOptions.outfile;
      const kib = (statSync(file).size / 1024).toFixed(1);
      console.log(`[esbuild] ${file} ${kib} KiB${production ? ' (production)' : ''}`);
    });
  },
};

const builds = [
  { ...shared, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', metafile: true, plugins: [splitVendors, reportSizes] },
  ...vendorBuilds(),
];

if (!production) {
  // What the extension exports under ExtensionMode.Test (src/vscode/testApi.ts): a bundle of its own, never in
  // the .vsix (.vscodeignore ships dist/extension.js and dist/vendor/ only), so a packaged extension exports nothing.
  builds.push({ ...shared, entryPoints: ['src/vscode/testApi.ts'], outfile: 'dist/testApi.js', plugins: [splitVendors, reportSizes] });
  // The extension-host test suite (mocha bundled in), run inside VS Code by test/extension/.
  if (existsSync('test/extension/suite/index.ts')) {
    builds.push({
      ...shared,
      entryPoints: ['test/extension/suite/index.ts'],
      outfile: 'dist/test/extension/index.js',
      // mocha's parallel mode (unused here) resolves worker files at run time.
      logOverride: { 'require-resolve-not-external': 'silent' },
      plugins: [reportSizes],
    });
  }
}

if (!production) {
  // The activation benchmark's probe, loaded by bench/activation.mjs the same way.
  builds.push({ ...shared, entryPoints: ['bench/activationSuite.ts'], outfile: 'dist/test/bench/activation.js', plugins: [reportSizes] });
  // The explorer benchmark's probe (bench/explorer.mjs), loaded the same way.
  builds.push({ ...shared, entryPoints: ['bench/explorerSuite.ts'], outfile: 'dist/test/bench/explorer.js', plugins: [reportSizes] });
  // Its peer (a bare tree view, bench/peerTree): built inside that extension's folder, so the suite's
  // `vscode` is the peer extension's API.
  builds.push({ ...shared, entryPoints: ['bench/peerTreeSuite.ts'], outfile: 'bench/peerTree/dist/suite.js', plugins: [reportSizes] });
  // The copy benchmark's probe (bench/copy.mjs): the extension host's memory during a copy.
  builds.push({ ...shared, entryPoints: ['bench/copySuite.ts'], outfile: 'dist/test/bench/copy.js', plugins: [reportSizes] });
}

mkdirSync('dist', { recursive: true });
/** The lines VS Code's `$esbuild-watch` problem matcher waits for (.vscode/tasks.json's watch task). */
// One pair for all the bundles: started when the first begins, finished when the last one ends.
let building = 0;
const watchMarkers = {
  name: 'watch-markers',
  setup(build) {
    build.onStart(() => {
      if (building++ === 0) console.log('[watch] build started');
    });
    build.onEnd(() => {
      if (--building === 0) console.log('[watch] build finished');
    });
  },
};

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context({ ...options, plugins: [...(options.plugins ?? []), watchMarkers] });
    await context.watch();
  }
  console.log('[esbuild] watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
