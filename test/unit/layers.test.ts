import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The layering src/README.md describes, checked on every file's imports.
const SRC = path.join(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
  );
}

/** Every module a file imports (static, type-only and dynamic), resolved to a path under src/ when relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]);
  return specifiers.map((specifier) => (specifier.startsWith('.') ? path.relative(SRC, path.resolve(path.dirname(file), specifier)) : specifier));
}

describe('layers', () => {
  it('src/core never imports vscode nor the VS Code layer', () => {
    for (const file of sources(path.join(SRC, 'core'))) {
      for (const imported of importsOf(file)) {
        assert.ok(imported !== 'vscode' && !imported.startsWith('vscode/') && !imported.startsWith('..'), `${path.relative(SRC, file)} imports ${imported}`);
      }
    }
  });

  it("a VS Code feature reaches another feature only through that feature's api.ts", () => {
    const features = ['explorer', 'authoring', 'tasks'];
    for (const feature of features) {
      for (const file of sources(path.join(SRC, 'vscode', feature))) {
        for (const imported of importsOf(file)) {
          const other = features.find((name) => name !== feature && imported.startsWith(`vscode/${name}/`));
          assert.ok(!other || imported === `vscode/${other}/api`, `${path.relative(SRC, file)} imports ${imported}`);
        }
      }
    }
  });
});
