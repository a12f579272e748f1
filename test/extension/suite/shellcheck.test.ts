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
});
