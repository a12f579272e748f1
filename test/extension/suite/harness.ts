/**
 * Talks to the harness that launched VS Code (test/extension/server.mjs): it owns the browser
 * page, so a test asks it over loopback HTTP to save a screenshot of what a person would see.
 * Under @vscode/test-electron there is no browser harness; screenshots are then skipped with a
 * log line (that runner exists for machines with desktop VS Code, not for CI).
 */
import * as vscode from 'vscode';

export const EXTENSION_ID = 'ecr-workbench.ecr-workbench';

export async function screenshot(name: string): Promise<void> {
  const harness = process.env.ECR_WB_HARNESS_URL;
  if (!harness) {
    console.log(`(no browser harness: screenshot "${name}" not taken)`);
    return;
  }
  const response = await fetch(`${harness}/screenshot?name=${encodeURIComponent(name)}`);
  if (!response.ok) {
    throw new Error(`screenshot "${name}" failed: HTTP ${response.status} ${await response.text()}`);
  }
}

/**
 * Hovers over the ECR view's row labelled `label` (under the row labelled `parent`, if given) in
 * the browser and returns the hover's text; the row must be visible (reveal it first).
 */
export async function hoverTreeRow(label: string, parent?: string): Promise<string> {
  const harness = process.env.ECR_WB_HARNESS_URL;
  if (!harness) throw new Error('hovering needs the browser harness (test/extension/server.mjs)');
  const query = new URLSearchParams({ label, ...(parent ? { parent } : {}) });
  const response = await fetch(`${harness}/hover?${query}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`hover over "${label}" failed: HTTP ${response.status} ${text}`);
  return text;
}

/** Polls until `probe` returns a truthy value, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function activateExtension(): Promise<vscode.Extension<{ activationMs(): number }>> {
  const extension = vscode.extensions.getExtension<{ activationMs(): number }>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  await extension.activate();
  return extension;
}

/** Stack endpoints handed to the extension host through extensionEnvironment. */
export function stack() {
  return {
    ecrEndpoint: process.env.ECR_WB_ECR_ENDPOINT,
    registryHost: process.env.ECR_WB_REGISTRY,
    dockerHost: process.env.DOCKER_HOST,
  };
}
