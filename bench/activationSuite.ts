/**
 * Loaded by the VS Code server as extensionTestsPath in bench/activation.mjs: activates the
 * extension and prints the time activate() took from entry to return, as the extension itself
 * measured it (the host's own load time of the bundle is reported separately by VS Code).
 */
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<{ activationMs(): number }>('ecr-workbench.ecr-workbench');
  if (!extension) throw new Error('extension not installed');
  const started = performance.now();
  const api = await extension.activate();
  const total = performance.now() - started;
  console.log(`[suite] activation: activate()=${api.activationMs().toFixed(2)}ms load+activate=${total.toFixed(2)}ms`);
}
