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

/** src/README.md's table: each row's folder (or file) and the `code` tokens of its "May import" column. */
interface Row {
  key: string;
  allowed: string[];
}

function importTable(): Row[] {
  const readme = readFileSync(path.join(SRC, 'README.md'), 'utf8');
  const table = readme.split('\n').filter((line) => /^\| `[^`]+`/.test(line));
  return table.map((line) => {
    const cells = line.split('|').map((cell) => cell.trim());
    const key = /^`([^`]+)`/.exec(cells[1])![1];
    const allowed = [...cells[3].matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    return { key, allowed };
  });
}

/** The file's path under src/ without its extension, e.g. core/ecr/names. */
function modulePath(file: string): string {
  return path.relative(SRC, file).replace(/\.ts$/, '');
}

/** Does a row's key (`core/ecr/`, `core/*.ts`, `vscode/` for its top files, `vscode/testApi.ts`) cover this module? */
function covers(key: string, module: string): boolean {
  if (key.endsWith('.ts') && !key.includes('*')) return module === key.replace(/\.ts$/, '');
  const folder = key.replace(/\*\.ts$/, '');
  if (!module.startsWith(folder)) return false;
  const rest = module.slice(folder.length);
  // `core/*.ts` and `vscode/` name a folder's own files; `core/ecr/` its files and subfolders.
  return key.endsWith('*.ts') || ['vscode/', 'core/'].includes(key) ? !rest.includes('/') : true;
}

/** May a module covered by `row` import `target` (a module path under src/)? */
function permitted(row: Row, module: string, target: string): boolean {
  const own = row.key.endsWith('.ts') ? path.posix.dirname(module) + '/' : row.key.replace(/\*\.ts$/, '');
  if (covers(own.endsWith('/') ? own : `${own}/`, target) && (row.key.endsWith('/') && !['vscode/', 'core/'].includes(row.key) ? true : !target.slice(own.length).includes('/'))) return true;
  return row.allowed.some((token) => {
    if (token === 'core/' || token === 'vscode/') return target.startsWith(token);
    if (token.endsWith('.ts') && !token.includes('*')) return target === token.replace(/\.ts$/, '');
    if (token.endsWith('*.ts')) return covers(token, target);
    return token.endsWith('/') && target.startsWith(token);
  });
}

/** The row that governs a module: a row naming the file itself before its folder's row. */
function rowFor(rows: Row[], module: string): Row | undefined {
  return rows.find((row) => row.key.endsWith('.ts') && !row.key.includes('*') && covers(row.key, module)) ?? rows.find((row) => covers(row.key, module));
}

describe('layers', () => {
  it("every file under src/ imports only what src/README.md's table lets its folder import", () => {
    const rows = importTable();
    assert.ok(rows.length >= 10, 'the table is read');
    const wrong: string[] = [];
    for (const file of sources(SRC)) {
      const module = modulePath(file);
      if (module === 'extension') continue; // wires the layers together
      const row = rowFor(rows, module);
      if (!row) {
        wrong.push(`${module}.ts is in no row of the table`);
        continue;
      }
      for (const imported of importsOf(file)) {
        if (imported.startsWith('.') || !imported.includes('/') || !/^(core|vscode)\//.test(imported)) continue;
        if (!permitted(row, module, imported)) wrong.push(`${module}.ts imports ${imported} (its row, ${row.key}, allows ${row.allowed.join(', ')})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('no import loop between the folders of src/core', () => {
    const edges = new Map<string, Set<string>>();
    const folderOf = (module: string) => module.split('/').slice(0, 2).join('/');
    for (const file of sources(path.join(SRC, 'core'))) {
      const from = folderOf(modulePath(file));
      for (const imported of importsOf(file)) {
        if (!imported.startsWith('core/') || imported.split('/').length < 3) continue;
        const to = folderOf(imported);
        if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    assert.ok(edges.get('core/docker')?.has('core/ecr'), 'the folder graph is read');
    const loops: string[] = [];
    const visit = (folder: string, trail: string[]) => {
      if (trail.includes(folder)) {
        loops.push([...trail.slice(trail.indexOf(folder)), folder].join(' → '));
        return;
      }
      for (const next of edges.get(folder) ?? []) visit(next, [...trail, folder]);
    };
    for (const folder of edges.keys()) visit(folder, []);
    assert.deepEqual([...new Set(loops)], []);
  });

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
