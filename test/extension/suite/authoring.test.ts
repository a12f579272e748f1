import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, screenshot, waitFor } from './harness';

/** A fresh folder under the test workspace, so runs never see each other's files. */
async function freshFolder(name: string): Promise<vscode.Uri> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) throw new Error('the extension-host suite needs a workspace folder');
  const folder = vscode.Uri.joinPath(root, `authoring-${name}-${Date.now()}`);
  await vscode.workspace.fs.createDirectory(folder);
  return folder;
}

/** The diagnostics of one rule once there are some (for waitFor), else undefined. */
function someOf(uri: vscode.Uri, code: string): vscode.Diagnostic[] | undefined {
  const found = ecrLint(uri, code);
  return found.length > 0 ? found : undefined;
}

function ecrLint(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => {
    const value = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
    return diagnostic.source === 'ecr-lint' && (code === undefined || value === code);
  });
}

describe('authoring', () => {
  before(async () => {
    await activateExtension();
  });

  it('shows AQ001 for a CMD in an Aqueduct image, and the quick fix removes it', async () => {
    const folder = await freshFolder('cmd');
    const uri = vscode.Uri.joinPath(folder, 'Dockerfile');
    const text = ['FROM aqueducthq/function310:0.3.6', 'COPY requirements.txt /tmp/requirements.txt', 'RUN pip install --no-cache-dir -r /tmp/requirements.txt', 'CMD ["python", "app.py"]', ''].join('\n');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);

    const [diagnostic] = await waitFor('the AQ001 diagnostic', () => someOf(uri, 'AQ001'));
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.character], [3, 0, 3]);
    assert.match(diagnostic.message, /start script/);
    editor.selection = new vscode.Selection(diagnostic.range.start, diagnostic.range.end);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('authoring-diagnostics');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const remove = actions.find((action) => action.title === 'Remove this CMD');
    assert.ok(remove?.edit, `no "Remove this CMD" among ${actions.map((action) => action.title).join(', ')}`);
    assert.ok(actions.some((action) => action.title === 'Ignore AQ001 for this instruction'));
    assert.equal(await vscode.workspace.applyEdit(remove.edit), true);

    assert.equal(document.getText(), ['FROM aqueducthq/function310:0.3.6', 'COPY requirements.txt /tmp/requirements.txt', 'RUN pip install --no-cache-dir -r /tmp/requirements.txt', ''].join('\n'));
    await waitFor('AQ001 to disappear after the fix', () => ecrLint(uri, 'AQ001').length === 0);
    await waitFor('no ecr-lint diagnostics left', () => ecrLint(uri).length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('lints the unsaved buffer as it is typed', async () => {
    const folder = await freshFolder('typing');
    const uri = vscode.Uri.joinPath(folder, 'op.Dockerfile');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('FROM aqueducthq/gpu_cuda1180_py310:0.3.6\n'));
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), 'RUN pip install --no-cache-dir torch==2.0.1\n'));
    assert.equal(document.isDirty, true);
    const [diagnostic] = await waitFor('AQ008 on the unsaved edit', () => someOf(uri, 'AQ008'));
    assert.equal(document.getText(diagnostic.range), 'pip');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('hovers an Aqueduct base image with its Python, CUDA and start script', async () => {
    const folder = await freshFolder('hover');
    const uri = vscode.Uri.joinPath(folder, 'Dockerfile');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('FROM aqueducthq/gpu_cuda1141_py39:0.3.6\n'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 20));
    const text = hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
    assert.match(text, /Python 3\.9/);
    assert.match(text, /CUDA 11\.4\.1/);
    assert.match(text, /start script/);
  });

  it('completes Aqueduct images and tags in FROM', async () => {
    const folder = await freshFolder('completion');
    const uri = vscode.Uri.joinPath(folder, 'Dockerfile');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('FROM aqueducthq/function310:\n'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const tags = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(0, 28));
    const labels = tags.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(labels.includes('0.3.6') && labels.includes('0.3.1'), labels.join(', '));
  });

  it('scaffolds a GPU Dockerfile from pre-answered options, with .dockerignore, and opens it', async () => {
    const folder = await freshFolder('scaffold');
    // The linter publishes the new file's diagnostics (none, for a scaffold) once it has linted it.
    let linted = false;
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      linted ||= event.uris.some((uri) => uri.toString() === vscode.Uri.joinPath(folder, 'Dockerfile').toString());
    });
    const created = await vscode.commands.executeCommand<vscode.Uri | undefined>('ecr.newAqueductDockerfile', {
      folder,
      python: '3.10',
      variant: 'gpu-cuda1180',
      version: '0.3.6',
    });
    assert.ok(created, 'the command returned no file');
    const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'Dockerfile')));
    assert.match(content, /^FROM aqueducthq\/gpu_cuda1180_py310:0\.3\.6$/m);
    assert.match(content, /^RUN conda run -n py310_env pip install --no-cache-dir -r \/tmp\/requirements\.txt$/m);
    assert.doesNotMatch(content, /^(CMD|ENTRYPOINT)/m);
    const ignore = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, '.dockerignore')));
    assert.match(ignore, /^\.git$/m);
    await waitFor('the scaffolded Dockerfile to be the active editor', () => vscode.window.activeTextEditor?.document.uri.toString() === created.toString());
    // Linted once open: the scaffold carries no errors or warnings.
    await waitFor('the scaffold to be linted (diagnostics published)', () => linted).finally(() => listener.dispose());
    assert.deepEqual(ecrLint(created).map((diagnostic) => diagnostic.message), []);
  });
});
