import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, screenshot, waitFor } from './harness';

/** ShellCheck's diagnostics of one code in a document. */
function shellcheckFindings(uri: vscode.Uri, code: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => {
    const value = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
    return diagnostic.source === 'shellcheck' && value === code;
  });
}

describe('shellcheck', () => {
  before(async () => {
    await activateExtension();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('ecr.lint.shellcheck').update('enabled', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows SC2086 on the exact unquoted variable of a RUN, and none once ecr.lint.shellcheck.enabled is off', async () => {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!root) throw new Error('the extension-host suite needs a workspace folder');
    const folder = vscode.Uri.joinPath(root, `shellcheck-${Date.now()}`);
    await vscode.workspace.fs.createDirectory(folder);
    const uri = vscode.Uri.joinPath(folder, 'Dockerfile');
    const text = ['FROM debian:12.5', 'RUN mkdir -p /srv/app \\', '    && cp -r /opt/$APP_NAME /srv/app', ''].join('\n');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);

    const [diagnostic] = await waitFor('ShellCheck SC2086 on $APP_NAME', () => {
      const found = shellcheckFindings(uri, 'SC2086');
      return found.length > 0 ? found : undefined;
    }, 30_000);
    assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.line, diagnostic.range.end.character], [2, 18, 2, 27]);
    assert.equal(document.getText(diagnostic.range), '$APP_NAME');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Information);
    assert.match(diagnostic.message, /Double quote/);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('shellcheck-sc2086');

    await vscode.workspace.getConfiguration('ecr.lint.shellcheck').update('enabled', false, vscode.ConfigurationTarget.Global);
    await waitFor('ShellCheck diagnostics to go once ecr.lint.shellcheck.enabled is false', () => shellcheckFindings(uri, 'SC2086').length === 0, 30_000);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('says in one line in Problems that ShellCheck was skipped when the RUN scripts are past its size bound', async () => {
    await vscode.workspace.getConfiguration('ecr.lint.shellcheck').update('enabled', undefined, vscode.ConfigurationTarget.Global);
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!root) throw new Error('the extension-host suite needs a workspace folder');
    const folder = vscode.Uri.joinPath(root, `shellcheck-large-${Date.now()}`);
    await vscode.workspace.fs.createDirectory(folder);
    const uri = vscode.Uri.joinPath(folder, 'Dockerfile');
    // 12,000 RUN scripts of ~200 characters: past the 2 MB ShellCheck is run on.
    const runs = Array.from({ length: 12_000 }, (_, i) => `RUN echo ${String(i).padStart(6, '0')} ${'x'.repeat(180)} $APP_NAME`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(['FROM debian:12.5', ...runs, ''].join('\n')));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const [note] = await waitFor('the ShellCheck skipped note', () => {
      const found = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'shellcheck');
      return found.length > 0 ? found : undefined;
    }, 60_000);
    assert.equal(vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'shellcheck').length, 1);
    assert.match(note.message, /^ShellCheck skipped: the 12000 RUN scripts are \d+\.\d MB, more than the 2\.0 MB it is run on\.$/);
    assert.equal(note.severity, vscode.DiagnosticSeverity.Information);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('shellcheck-skipped-note');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
