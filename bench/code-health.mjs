#!/usr/bin/env node
// Code-health figures for src/ (issue 24's measures), printed, never asserted:
//   node bench/code-health.mjs [--top N]
// - the longest functions (any function, method, arrow or accessor), and how many pass 80 lines;
// - files over the size limits (src/vscode/: 300 lines, src/core/: 500);
// - direct showErrorMessage/showWarningMessage calls outside the one reporter (src/vscode/report.ts) and the
//   modals' module (src/vscode/modal.ts: questions before an action, and the reporter's blocking failures);
// - `(x as Error)` casts; `as unknown as` without a comment on its line or the line before;
// - settings read or written outside the settings module (src/vscode/settings.ts, settingsSchema.ts).
// test/unit/vscode/feedback.test.ts and settings.test.ts hold the same rules.
// Lines are counted as the editor shows them, from the first line of the declaration to its closing brace.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(REPO, 'src');
const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 10;
const FUNCTION_LIMIT = 80;
const FILE_LIMITS = [
  ['src/vscode/', 300],
  ['src/core/', 500],
];
const REPORTER = 'src/vscode/report.ts';
const MESSAGE_HOMES = new Set([REPORTER, 'src/vscode/modal.ts']);
const SETTINGS_HOMES = new Set(['src/vscode/settings.ts', 'src/vscode/settingsSchema.ts']);

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** A readable name for a function node: its own name, its variable's, or its property's. */
function nameOf(node, file) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) return parent.name.text;
  const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return `(anonymous, line ${line + 1})`;
}

const functions = [];
const longFiles = [];
const directMessages = [];
const errorCasts = [];
const uncommentedDoubleCasts = [];
const settingsReads = [];

for (const full of sourceFiles(SRC)) {
  const relative = path.relative(REPO, full);
  const text = readFileSync(full, 'utf8');
  const lines = text.split('\n');
  const lineCount = text.endsWith('\n') ? lines.length - 1 : lines.length;
  const limit = FILE_LIMITS.find(([prefix]) => relative.startsWith(prefix))?.[1];
  if (limit && lineCount > limit) longFiles.push({ file: relative, lines: lineCount, limit });

  const file = ts.createSourceFile(full, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      functions.push({ file: relative, line: start + 1, name: nameOf(node, file), lines: end - start + 1 });
    }
    // An error or warning shown directly; a modal outside modal.ts counts too (the extension-host tests cannot answer it).
    if (!MESSAGE_HOMES.has(relative) && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^show(Error|Warning)Message$/.test(node.expression.name.text)) {
      directMessages.push(`${relative}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`);
    }
    if (!SETTINGS_HOMES.has(relative) && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'getConfiguration') {
      settingsReads.push(`${relative}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);

  lines.forEach((line, index) => {
    const where = `${relative}:${index + 1}`;
    if (/\(\s*[\w.]+\s+as\s+Error\s*\)/.test(line)) errorCasts.push(where);
    if (/\bas unknown as\b/.test(line) && !/\/\/|\/\*/.test(line) && !/\/\/|\/\*|\*\//.test(lines[index - 1] ?? '')) uncommentedDoubleCasts.push(where);
  });
}

functions.sort((a, b) => b.lines - a.lines);
const over = functions.filter((fn) => fn.lines > FUNCTION_LIMIT);
console.log(`functions in src/: ${functions.length}; over ${FUNCTION_LIMIT} lines: ${over.length}`);
for (const fn of functions.slice(0, Math.max(top, over.length))) console.log(`  ${String(fn.lines).padStart(4)}  ${fn.name}  ${fn.file}:${fn.line}`);
console.log(`files over their limit (src/vscode/ 300, src/core/ 500): ${longFiles.length}`);
for (const entry of longFiles.sort((a, b) => b.lines - a.lines)) console.log(`  ${String(entry.lines).padStart(4)}  ${entry.file} (limit ${entry.limit})`);
console.log(`direct showErrorMessage/showWarningMessage calls outside ${[...MESSAGE_HOMES].join(' and ')}: ${directMessages.length}`);
for (const where of directMessages) console.log(`  ${where}`);
console.log(`(x as Error) casts: ${errorCasts.length}`);
for (const where of errorCasts) console.log(`  ${where}`);
console.log(`'as unknown as' without a comment: ${uncommentedDoubleCasts.length}`);
for (const where of uncommentedDoubleCasts) console.log(`  ${where}`);
console.log(`settings read or written outside ${[...SETTINGS_HOMES].join(' and ')}: ${settingsReads.length}`);
for (const where of settingsReads) console.log(`  ${where}`);
