import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, screenshot, EXTENSION_ID, visibleTreeRows, waitFor } from './harness';

describe('activation', () => {
  it('activates and registers every contributed command', async () => {
    const extension = await activateExtension();
    assert.equal(extension.isActive, true);
    const contributed: string[] = extension.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('exports the test API only from a development build: the packaged extension exports nothing', async () => {
    const extension = await activateExtension();
    if (process.env.ECR_WB_PACKAGED) {
      // Installed from the .vsix: even under test, no tree probes, no build transcripts, no modal answering.
      assert.equal(extension.exports, undefined);
    } else {
      assert.deepEqual(Object.keys(extension.exports ?? {}).sort(), ['activationMs', 'buildTranscripts', 'explorer', 'modals']);
    }
  });

  it('registers no ecr.* command that package.json does not contribute', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = new Set(extension.packageJSON.contributes.commands.map((c: { command: string }) => c.command));
    // VS Code itself adds `<viewId>.focus` and friends for each contributed view.
    const ours = (await vscode.commands.getCommands(true)).filter(
      (id) => id.startsWith('ecr.') && !id.startsWith('ecr.registries.'),
    );
    const extra = ours.filter((id) => !contributed.has(id));
    assert.deepEqual(extra, [], `registered but not contributed: ${extra.join(', ')}`);
  });

  it('shows the ECR view container with its Registries view', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
    await vscode.commands.executeCommand('ecr.registries.focus');
    // The configured registry ("local", from the test settings) is a row on screen, not only in the model.
    await waitFor('the local registry row in the ECR view', async () => (await visibleTreeRows()).includes('local') || undefined);
    await screenshot('activation-ecr-view');
  });
});
