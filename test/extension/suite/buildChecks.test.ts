import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, screenshot, waitFor } from './harness';

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}

function withCode(uri: vscode.Uri, source: string, code: string): vscode.Diagnostic | undefined {
  return vscode.languages.getDiagnostics(uri).find((diagnostic) => diagnostic.source === source && codeOf(diagnostic) === code);
}

function fromDocker(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'docker');
}

describe("Docker's build checks", () => {
  before(async () => {
    await activateExtension();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('ecr.lint').update('buildChecks', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows them with source docker, merges MaintainerDeprecated into DL4000, reads .dockerignore, fixes FromAsCasing, and hides them when ecr.lint.buildChecks is off', async () => {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!root) throw new Error('the extension-host suite needs a workspace folder');
    const folder = vscode.Uri.joinPath(root, `build-checks-${Date.now()}`);
    await vscode.workspace.fs.createDirectory(folder);
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, '.dockerignore'), new TextEncoder().encode('secrets\n'));
    const uri = vscode.Uri.joinPath(folder, 'Dockerfile');
    const text = ['FROM alpine:3.20 as build', 'MAINTAINER Jane <jane@example.org>', 'COPY secrets/key.pem /etc/key.pem', ''].join('\n');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);

    const casing = await waitFor('FromAsCasing from docker', () => withCode(uri, 'docker', 'FromAsCasing'));
    assert.equal(casing.message, "'as' and 'FROM' keywords' casing do not match");
    assert.equal(casing.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(document.getText(casing.range), 'as');
    assert.equal(typeof casing.code === 'object' && casing.code.target.toString(), 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/');
    const ignored = await waitFor('CopyIgnoredFile from the .dockerignore', () => withCode(uri, 'docker', 'CopyIgnoredFile'));
    assert.equal(ignored.message, 'Attempting to Copy file "secrets/key.pem" that is excluded by .dockerignore');
    const merged = withCode(uri, 'ecr-lint', 'DL4000, MaintainerDeprecated');
    assert.ok(merged, `no merged DL4000 among ${vscode.languages.getDiagnostics(uri).map((d) => `${d.source}:${codeOf(d)}`).join(', ')}`);
    assert.equal(withCode(uri, 'docker', 'MaintainerDeprecated'), undefined);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('build-checks-diagnostics');

    const authors = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, merged.range, vscode.CodeActionKind.QuickFix.value)).map((action) => action.title);
    assert.ok(authors.some((title) => title.includes('org.opencontainers.image.authors')), authors.join(', '));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, casing.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((action) => action.title === 'Write AS');
    assert.ok(fix?.edit, `no "Write AS" among ${actions.map((action) => action.title).join(', ')}`);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    assert.equal(document.lineAt(0).text, 'FROM alpine:3.20 AS build');
    await waitFor('FromAsCasing gone after the fix', () => withCode(uri, 'docker', 'FromAsCasing') === undefined);

    await vscode.workspace.getConfiguration('ecr.lint').update('buildChecks', 'off', vscode.ConfigurationTarget.Global);
    await waitFor('no docker diagnostics once ecr.lint.buildChecks is off', () => fromDocker(uri).length === 0 && withCode(uri, 'ecr-lint', 'DL4000') !== undefined);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
