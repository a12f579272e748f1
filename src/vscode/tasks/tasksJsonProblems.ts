import * as vscode from 'vscode';
import type { TaskProblem } from '../../core/docker/buildOptions';

/**
 * A task's property problems as Problems entries on the tasks.json that holds it (the "ecr-build"
 * collection), on the property's value, so the mistake is shown where it is fixed. The entry is found
 * by its properties (VS Code hands the task its definition, not where it came from); a task that is
 * not in the folder's .vscode/tasks.json (a workspace file's, a provided one) gets the terminal message only.
 */
export async function showInTasksJson(
  diagnostics: vscode.DiagnosticCollection,
  folder: vscode.WorkspaceFolder | undefined,
  definition: vscode.TaskDefinition,
  problems: TaskProblem[],
): Promise<void> {
  if (!folder) return;
  const uri = vscode.Uri.joinPath(folder.uri, '.vscode', 'tasks.json');
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return;
  }
  const { findNodeAtLocation, parseTree, getNodeValue } = await import('jsonc-parser');
  const tasks = findNodeAtLocation(parseTree(text) ?? { type: 'null', offset: 0, length: 0 }, ['tasks']);
  const entry = tasks?.children?.find((node) => {
    const value = getNodeValue(node) as Record<string, unknown> | undefined;
    return value?.type === definition.type && Object.entries(definition).every(([key, given]) => JSON.stringify(value[key]) === JSON.stringify(given));
  });
  if (!entry) {
    diagnostics.delete(uri);
    return;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const found = problems.map((problem) => {
    const node = findNodeAtLocation(entry, [problem.property]) ?? entry;
    const range = new vscode.Range(document.positionAt(node.offset), document.positionAt(node.offset + node.length));
    const diagnostic = new vscode.Diagnostic(range, problem.message, vscode.DiagnosticSeverity.Error);
    diagnostic.source = 'ecr-build';
    return diagnostic;
  });
  diagnostics.set(uri, found);
}

/** The task ran its checks clean: nothing of it stays in Problems. */
export function clearTasksJson(diagnostics: vscode.DiagnosticCollection, folder: vscode.WorkspaceFolder | undefined): void {
  if (folder) diagnostics.delete(vscode.Uri.joinPath(folder.uri, '.vscode', 'tasks.json'));
}
