/**
 * Asking the browser harness (test/extension/server.mjs) to act as a person would, for tests that
 * must go through the workbench's own UI rather than a command call.
 */
async function harness(pathAndQuery: string): Promise<string> {
  const base = process.env.ECR_WB_HARNESS_URL;
  if (!base) throw new Error(`${pathAndQuery} needs the browser harness (test/extension/server.mjs)`);
  const response = await fetch(`${base}${pathAndQuery}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`${pathAndQuery} failed: HTTP ${response.status} ${text}`);
  return text;
}

/** Clicks a side-bar view title action by its label (e.g. "Add Registry…"). */
export function clickViewAction(label: string): Promise<string> {
  return harness(`/click?${new URLSearchParams({ label })}`);
}

/** The open quick input's title, or "" when none is open. */
export function quickInputTitle(): Promise<string> {
  return harness('/quick-input');
}
