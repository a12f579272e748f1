/**
 * Talks to the harness that launched VS Code (test/extension/server.mjs): it owns the browser
 * page, so a test asks it over loopback HTTP to save a screenshot of what a person would see.
 * Under @vscode/test-electron there is no browser harness; screenshots are then skipped with a
 * log line (that runner exists for machines with desktop VS Code, not for CI).
 */
import { readFileSync } from 'node:fs';
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

async function askHarness<T>(what: string, pathAndQuery: string): Promise<T> {
  const harness = process.env.ECR_WB_HARNESS_URL;
  if (!harness) throw new Error(`${what} needs the browser harness (test/extension/server.mjs)`);
  const response = await fetch(`${harness}${pathAndQuery}`);
  if (!response.ok) throw new Error(`${what} failed: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export interface QuickInputState {
  visible: boolean;
  title?: string;
  value?: string;
  /** Labels of the items shown, in order. */
  items: string[];
  /** The input box's prompt or validation message under the input. */
  message?: string;
}

/** The quick pick or input box on screen now, as the browser shows it. */
export function quickInput(): Promise<QuickInputState> {
  return askHarness('reading the quick input', '/quick-input');
}

/** Waits until a quick pick is on screen with at least one item (and `title` in its title, if given). */
export function quickPickShown(what: string, title?: string, timeoutMs = 20_000): Promise<QuickInputState> {
  return waitFor(what, async () => {
    const state = await quickInput();
    return state.visible && state.items.length > 0 && (!title || state.title?.includes(title)) ? state : undefined;
  }, timeoutMs);
}

/** True when the browser shows `text` in any frame, webviews (the Markdown preview) included. */
export function frameShows(text: string): Promise<boolean> {
  return askHarness('reading the frames', `/frame-text?${new URLSearchParams({ text })}`);
}

/**
 * Waits until a notification showing `text` is on screen (src/README.md's feedback rule: an action's outcome is a
 * notification). The smoke-test driver hides toasts, so it opens the notification list, as a person does from the
 * bell, and takes the screenshot `shot` (if given) while it is open.
 */
export async function notificationShown(text: string, shot?: string): Promise<void> {
  await vscode.commands.executeCommand('notifications.showList');
  try {
    await waitFor(`the notification "${text}"`, async () => (await frameShows(text)) || undefined);
    if (shot) await screenshot(shot);
  } finally {
    await vscode.commands.executeCommand('notifications.hideList');
    // Read and done with: the next test's list (and screenshot) shows only its own.
    await vscode.commands.executeCommand('notifications.clearAll');
  }
}

/** Types `text` into what has focus in the browser (a quick input), then presses `key` (e.g. "Enter"), if given. */
export async function typeKeys(text: string, key?: string): Promise<void> {
  const harness = process.env.ECR_WB_HARNESS_URL;
  if (!harness) throw new Error('typing needs the browser harness (test/extension/server.mjs)');
  const response = await fetch(`${harness}/keyboard?${new URLSearchParams({ text, ...(key ? { press: key } : {}) })}`);
  if (!response.ok) throw new Error(`typing "${text}" failed: HTTP ${response.status} ${await response.text()}`);
}

/**
 * Types into the quick pick on screen, then presses Enter once the first item shown is the one typed:
 * Enter pressed before the list has filtered (a loaded machine) would take another item.
 */
export async function pickTyped(text: string): Promise<void> {
  const harness = process.env.ECR_WB_HARNESS_URL;
  if (!harness) throw new Error('typing needs the browser harness (test/extension/server.mjs)');
  // Into the quick pick's own box: keys typed while something else had focus would go there instead.
  const filled = await fetch(`${harness}/quick-input-fill?${new URLSearchParams({ text })}`);
  if (!filled.ok) throw new Error(`typing "${text}" into the quick pick failed: HTTP ${filled.status} ${await filled.text()}`);
  let state: QuickInputState | undefined;
  await waitFor(`"${text}" first in the quick pick`, async () => {
    state = await quickInput();
    return state.items[0]?.includes(text) || undefined;
  }).catch((error: Error) => {
    throw new Error(`${error.message}; the quick input shows: ${JSON.stringify(state)}`);
  });
  await typeKeys('', 'Enter');
}

/** Replaces the text in the input box on screen (as a person selects all and types), then presses Enter. */
export async function fillQuickInput(text: string): Promise<void> {
  const harness = process.env.ECR_WB_HARNESS_URL;
  if (!harness) throw new Error('typing needs the browser harness (test/extension/server.mjs)');
  const filled = await fetch(`${harness}/quick-input-fill?${new URLSearchParams({ text })}`);
  if (!filled.ok) throw new Error(`typing "${text}" into the input box failed: HTTP ${filled.status} ${await filled.text()}`);
  await waitFor(`"${text}" in the input box`, async () => (await quickInput()).value === text || undefined);
  await typeKeys('', 'Enter');
}

/** Where the extension host on this machine reads machine-scoped settings (the server's Machine/settings.json). */
export function machineSettings(): Record<string, unknown> {
  const file = process.env.ECR_WB_MACHINE_SETTINGS;
  if (!file) throw new Error('ECR_WB_MACHINE_SETTINGS is not set by the harness');
  // VS Code writes this file as JSON with comments allowed; ours carries none.
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/**
 * Clicks a side-bar view title action by its label (e.g. "Add Registry"), as a person would, so the
 * command receives what VS Code passes from there (the focused row).
 */
export async function clickViewAction(label: string): Promise<void> {
  const harness = process.env.ECR_WB_HARNESS_URL;
  if (!harness) throw new Error('clicking a view action needs the browser harness (test/extension/server.mjs)');
  const response = await fetch(`${harness}/click?${new URLSearchParams({ label })}`);
  if (!response.ok) throw new Error(`clicking "${label}" failed: HTTP ${response.status} ${await response.text()}`);
}

/** Labels of the ECR view's tree rows rendered on screen now. */
export function visibleTreeRows(): Promise<string[]> {
  return askHarness('reading the tree rows', '/tree-rows');
}

/**
 * Waits until the wall clock enters a new second. ECR (and moto) record push times to the second:
 * images put on either side of this are in a known newest-first order.
 */
export async function nextSecond(): Promise<void> {
  const second = Math.floor(Date.now() / 1000);
  await waitFor('the next wall-clock second', () => Math.floor(Date.now() / 1000) > second, 2_000);
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

export interface ModalRequest {
  message: string;
  detail?: string;
  buttons: string[];
}

/** VS Code refuses dialogs under the extension-host tests: the extension's modals are read and answered here. */
export const modals = () =>
  (vscode.extensions.getExtension(EXTENSION_ID)?.exports as {
    modals: { answerWith(answerer: ((request: ModalRequest) => string | undefined) | undefined): void; shown(): readonly ModalRequest[] };
  }).modals;

export interface BuildTranscript {
  dockerfile: string;
  lines: string[];
  phase?: string;
  exitCode?: number;
  outcome?: string;
}
/** The last builds' (redacted) terminal text, from the extension's exported API; VS Code cannot read a terminal back. */
export const transcripts = (): readonly BuildTranscript[] =>
  vscode.extensions.getExtension<{ buildTranscripts(): readonly BuildTranscript[] }>(EXTENSION_ID)?.exports?.buildTranscripts() ?? [];

export async function activateExtension(): Promise<vscode.Extension<{ activationMs(): number }>> {
  const extension = vscode.extensions.getExtension<{ activationMs(): number }>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  await extension.activate();
  return extension;
}

/**
 * For a suite's `before`: skips the suite when the stack is not running on a developer's machine,
 * and fails it under CI=true (CI never passes by skipping).
 */
export function requireStack(context: Mocha.Context): void {
  const { ecrEndpoint, registryHost, dockerHost } = stack();
  if (ecrEndpoint && registryHost && dockerHost) return;
  if (process.env.CI === 'true') throw new Error('CI=true and the test stack is not running');
  context.skip();
}

/** Stack endpoints handed to the extension host through extensionEnvironment. */
export function stack() {
  return {
    ecrEndpoint: process.env.ECR_WB_ECR_ENDPOINT,
    registryHost: process.env.ECR_WB_REGISTRY,
    dockerHost: process.env.DOCKER_HOST,
  };
}
