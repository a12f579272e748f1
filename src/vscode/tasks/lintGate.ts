import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BuildTask } from '../../core/docker/buildOptions';

/** The Dockerfile linter's diagnostic source (vscode/authoring/diagnostics.ts). */
const LINT_SOURCE = 'ecr-lint';

/**
 * The linter's errors for a Dockerfile, as Problems shows them. A Dockerfile not open in an editor
 * is opened (not shown) so the linter reads it; its first result is awaited for up to 3 s.
 */
async function dockerfileErrors(uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
  const errors = () => vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error && diagnostic.source === LINT_SOURCE);
  const open = vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString());
  if (open) return errors();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, 3_000);
    const listener = vscode.languages.onDidChangeDiagnostics((event) => event.uris.some((changed) => changed.toString() === uri.toString()) && done());
    function done() {
      clearTimeout(timer);
      listener.dispose();
      resolve();
    }
    vscode.workspace.openTextDocument(uri).then(undefined, done);
  });
  return errors();
}

/**
 * Before building: the Dockerfile's error diagnostics (the linter's, as the Problems panel shows
 * them) are printed as warnings in the terminal, in the task's problem-matcher format so they are
 * listed under the task in Problems too, or, with "lintErrors": "refuse", stop the task. False: refused.
 */
export async function lintGate(
  mode: BuildTask['lintErrors'] = 'warn',
  dockerfile: vscode.Uri,
  folderPath: string,
  print: (text: string, color?: 'red' | 'yellow') => void,
): Promise<boolean> {
  if (mode === 'ignore') return true;
  const errors = await dockerfileErrors(dockerfile);
  if (errors.length === 0) return true;
  const file = path.relative(folderPath, dockerfile.fsPath).split(path.sep).join('/') || dockerfile.fsPath;
  const refuse = mode === 'refuse';
  for (const diagnostic of errors) {
    const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
    const line = `${file}:${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}: ${refuse ? 'error' : 'warning'}: ${code ? `${String(code)} ` : ''}${diagnostic.message.split('\n')[0]}`;
    print(line, refuse ? 'red' : 'yellow');
  }
  const count = `${errors.length} error${errors.length === 1 ? '' : 's'}`;
  if (refuse) {
    print(`Not built or pushed: ${file} has ${count} (see Problems). Fix them, or set "lintErrors": "warn" in the task to push anyway.`, 'red');
    return false;
  }
  print(`${file} has ${count} (see Problems): building and pushing anyway. Set "lintErrors": "refuse" in the task to stop instead.`, 'yellow');
  return true;
}
