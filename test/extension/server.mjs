// Runs the extension-host suite inside the real VS Code server, viewed in Debian's Chromium through
// playwright-core, against the real stack. Judged by the workbench's own verdict: it calls
// `codeAutomationExit(0)` when the suite's run() resolves and 1 when it rejects.
//
// Exported for test/run.mjs and the demo; run directly: node test/extension/server.mjs
import http from 'node:http';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO, freePort, StackError, ensureCommands } from '../stack/stack.mjs';
import { startVSCodeServer, ensureChromium, CHROMIUM_ARGS } from '../stack/vscodeServer.mjs';
import { writeDemoWorkspace } from '../stack/demoWorkspace.mjs';

export const OUTPUT = path.join(REPO, 'test-output');
export const SCREENSHOTS = path.join(OUTPUT, 'screenshots');

/** Settings and environment that point the extension at the local stack. */
export function extensionConfiguration(stackEnv) {
  const settings = {
    'ecr.endpoint': stackEnv.ECR_WB_ECR_ENDPOINT ?? '',
    'ecr.registryHostOverride': stackEnv.ECR_WB_REGISTRY ?? '',
    'ecr.docker.host': stackEnv.DOCKER_HOST ?? '',
    // A bench may add registries (JSON in ECR_WB_EXTRA_REGISTRIES) after the stack's own.
    'ecr.registries': [{ region: 'us-east-1', accountId: '123456789012', label: 'local' }, ...JSON.parse(stackEnv.ECR_WB_EXTRA_REGISTRIES ?? '[]')],
  };
  const env = {
    // moto accepts any key; these are not real credentials.
    AWS_ACCESS_KEY_ID: 'AKIDLOCALSTACKDEMO00',
    AWS_SECRET_ACCESS_KEY: 'local-stack-demo-not-a-secret',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...Object.fromEntries(Object.entries(stackEnv).filter(([, value]) => value)),
  };
  return { settings, env };
}

/**
 * Moves the mouse over the ECR view's row whose label is `label` (optionally under a row labelled
 * `parent`) and returns the text of the hover VS Code shows, as a person would read it.
 */
export async function hoverTreeRow(page, label, parent) {
  const rows = page.locator('.monaco-list-row[role="treeitem"]');
  await page.mouse.move(0, 0);
  const count = await rows.count();
  // Rows are flat in the DOM; aria-level says which are under the parent row.
  let parentLevel = parent ? undefined : 0;
  let target;
  for (let index = 0; index < count; index++) {
    const row = rows.nth(index);
    const text = (await row.locator('.label-name').first().textContent().catch(() => ''))?.trim();
    const level = Number(await row.getAttribute('aria-level'));
    if (parent && parentLevel !== undefined && level <= parentLevel) break;
    if (parent && parentLevel === undefined) {
      if (text === parent) parentLevel = level;
    } else if (text === label) {
      target = row;
      break;
    }
  }
  // The list draws only the rows on screen: with the parent scrolled out of view, the one row of that label is it.
  if (!target && parent && parentLevel === undefined) {
    const same = [];
    for (let index = 0; index < count; index++) {
      const row = rows.nth(index);
      if ((await row.locator('.label-name').first().textContent().catch(() => ''))?.trim() === label) same.push(row);
    }
    if (same.length === 1) target = same[0];
  }
  if (!target) throw new Error(`no tree row "${label}"${parent ? ` under "${parent}"` : ''} is visible`);
  const hover = page.locator('.monaco-hover:visible .monaco-hover-content, .workbench-hover:visible').first();
  // A row re-rendered under the pointer (the tree refreshing) drops the hover: move away and back.
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(0, 0);
    await target.locator('.label-name').first().hover();
    try {
      await hover.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  // The tooltip is resolved asynchronously (an API call): wait until its text stops changing.
  let previous = '';
  for (let tries = 0; tries < 20; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    // A hover that went away (the row redrawn under it) fails this read at once, not after 30 s.
    const text = await hover.innerText({ timeout: 3_000 });
    if (text === previous) return text;
    previous = text;
  }
  return previous;
}

/**
 * Clicks the action labelled `label` in the side bar's title bars (a view's "+", "Refresh", …), as
 * a person would, so the command receives what VS Code passes from there (the focused row).
 */
async function clickViewAction(page, label) {
  const sidebar = page.locator('[id="workbench.parts.sidebar"]');
  // View title actions show while the pointer is over the view.
  await sidebar.hover();
  await sidebar.locator(`.action-label[aria-label^="${label}"]`).filter({ visible: true }).first().click({ timeout: 10_000 });
}

/** The quick input (quick pick or input box) as a person sees it: title, value and item labels. */
async function quickInputState(page) {
  const widget = page.locator('.quick-input-widget').first();
  if (!(await widget.isVisible().catch(() => false))) return { visible: false, items: [] };
  const items = await widget.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts().catch(() => []);
  const title = (await widget.locator('.quick-input-title').first().innerText().catch(() => '')).trim();
  const value = await widget.locator('input.input').first().inputValue().catch(() => '');
  // An input box's validation message (e.g. "A repository named … already exists"), when shown.
  const message = (await widget.locator('.quick-input-message').first().innerText().catch(() => '')).trim();
  return { visible: true, title, value, message, items: items.map((text) => text.trim()).filter(Boolean) };
}

/** Labels of the tree rows now rendered in the ECR view (rows are virtualised: only visible ones). */
async function visibleTreeRows(page) {
  const labels = await page.locator('.monaco-list-row[role="treeitem"] .label-name').allInnerTexts().catch(() => []);
  return labels.map((text) => text.trim());
}

/** A notification toast (bottom right) as a person sees it: its message and the buttons under it. */
async function notificationToast(page, text) {
  const toasts = page.locator('.notification-toast-container .notification-list-item');
  const count = await toasts.count();
  for (let index = 0; index < count; index++) {
    const toast = toasts.nth(index);
    if (!(await toast.isVisible().catch(() => false))) continue;
    const message = (await toast.locator('.notification-list-item-message').first().innerText().catch(() => '')).trim();
    if (!message.includes(text)) continue;
    const buttons = (await toast.locator('.monaco-button').allInnerTexts().catch(() => [])).map((label) => label.trim()).filter(Boolean);
    return { message, buttons };
  }
  return null;
}

/** Resolves once the page has painted two more frames: what a test just did is on screen. */
function painted(page) {
  return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(undefined)))));
}

/** A loopback HTTP endpoint through which tests in the extension host ask for screenshots, hovers and what is on screen. */
async function startScreenshotService(getPage) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const taken = [];
  const json = (value) => ({ type: 'application/json', body: JSON.stringify(value) });
  /** Each endpoint answers { type?, body } from the request's query; a failure becomes HTTP 500 with its text. */
  const routes = {
    '/click': async (query) => {
      await clickViewAction(getPage(), query.get('label') ?? '');
      return { body: 'clicked' };
    },
    // Whether any frame (webviews such as the Markdown preview live in iframes) shows the text.
    '/frame-text': async (query) => {
      const text = query.get('text') ?? '';
      let found = false;
      for (const frame of getPage().frames()) {
        if (await frame.getByText(text).first().isVisible().catch(() => false)) found = true;
      }
      return json(found);
    },
    // Types into the quick input when one is shown, else into whatever has focus, then presses a key, as a person would.
    '/keyboard': async (query) => {
      const text = query.get('text');
      const key = query.get('press');
      // A person types into the quick input they see: focus it first, since another part of the
      // window (a task's terminal, the tree after a reveal) may have taken the keyboard meanwhile.
      const box = getPage().locator('.quick-input-widget input.input').first();
      if (await box.isVisible().catch(() => false)) await box.focus();
      if (text) await getPage().keyboard.type(text);
      if (key) await getPage().keyboard.press(key);
      return { body: 'typed' };
    },
    '/quick-input': async () => json(await quickInputState(getPage())),
    // Puts text in the quick input's box (focusing it first, as a click would), whatever else had the keyboard.
    '/quick-input-fill': async (query) => {
      const box = getPage().locator('.quick-input-widget input.input').first();
      await box.focus();
      await box.fill(query.get('text') ?? '');
      return { body: 'filled' };
    },
    '/tree-rows': async () => json(await visibleTreeRows(getPage())),
    // The notification toast on screen whose message contains the text, with its buttons (null when none is).
    '/notification': async (query) => json(await notificationToast(getPage(), query.get('text') ?? '')),
    '/hover': async (query) => ({ body: await hoverTreeRow(getPage(), query.get('label') ?? '', query.get('parent') ?? undefined) }),
    '/screenshot': async (query) => {
      const name = (query.get('name') || 'screenshot').replace(/[^A-Za-z0-9._-]/g, '_');
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await painted(getPage());
      await getPage().screenshot({ path: file });
      taken.push(file);
      return { body: file };
    },
  };
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url, 'http://x');
    const route = routes[url.pathname];
    if (!route) {
      response.statusCode = 404;
      response.end(`no harness endpoint ${url.pathname}`);
      return;
    }
    try {
      const { type, body } = await route(url.searchParams);
      if (type) response.setHeader('content-type', type);
      response.end(body);
    } catch (error) {
      response.statusCode = 500;
      response.end(String(error));
    }
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, taken, close: () => server.close() };
}

/**
 * Starts the VS Code server with the extension in development mode (this checkout) and runs the
 * suite. `extensionPath` is this checkout, or an installed .vsix folder. Returns
 * { code, passed, failed, screenshots }.
 */
export async function runExtensionSuite({ stackEnv, grep, extensionPath = REPO, testsPath, onLine, timeoutMs = 10 * 60_000 } = {}) {
  const bundle = testsPath ?? path.join(REPO, 'dist', 'test', 'extension', 'index.js');
  if (!existsSync(bundle)) throw new StackError('dist/test/extension/index.js is missing: run `npm run build` first');
  ensureChromium();
  // The shellcheck suite checks RUN scripts with Debian's ShellCheck.
  ensureCommands(['shellcheck']);
  const root = path.join(OUTPUT, 'vscode-server');
  rmSync(root, { recursive: true, force: true });
  const workspace = path.join(OUTPUT, 'workspace');
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, 'README.md'), '# ECR Workbench test workspace\n');
  // The demo's own files (Dockerfile, requirements.txt, .vscode/tasks.json): demo.test.ts runs its task.
  writeDemoWorkspace(workspace);

  let page;
  const screenshots = await startScreenshotService(() => page);
  const { settings, env } = extensionConfiguration(stackEnv);
  env.ECR_WB_HARNESS_URL = screenshots.url;
  // Where this server keeps the remote machine's settings (machine-scoped ones, ecr.registries among them).
  env.ECR_WB_MACHINE_SETTINGS = path.join(root, 'user-data', 'Machine', 'settings.json');
  if (grep) env.ECR_WB_TEST_GREP = grep;
  // The suite runs against the folder a .vsix installed (test/run.mjs vsix): it checks what the package exports.
  if (extensionPath !== REPO) env.ECR_WB_PACKAGED = '1';

  const port = await freePort();
  const server = await startVSCodeServer({ port, root, settings, env });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    let resolveExit;
    let counts = { passed: 0, failed: 0 };
    const exited = new Promise((resolve) => (resolveExit = resolve));
    // Must exist before navigation: the workbench looks for it when the suite finishes.
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    page.on('console', (message) => {
      // The extension host's console (mocha's report) reaches only the page's console. The suite
      // tags its lines "[suite]"; errors are forwarded too. Workbench chatter is dropped.
      const text = message.text();
      const suiteLine = text.indexOf('[suite] ');
      if (suiteLine >= 0) {
        const summary = text.match(/extension-host: (\d+) passed, (\d+) failed/);
        if (summary) counts = { passed: Number(summary[1]), failed: Number(summary[2]) };
        onLine?.(text.slice(suiteLine + 8));
        process.stdout.write(`${text.slice(suiteLine + 8).replace(/\s+$/, '')}\n`);
      } else if (message.type() === 'error' && !/open-vsx|vsda|serviceWorker|Failed to load resource|same-origin/.test(text)) {
        process.stdout.write(`[workbench error] ${text.replace(/^%c\s*ERR\s*color: #\w+\s*/, '').slice(0, 2000)}\n`);
      }
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionPath)],
      ['extensionTestsPath', remote(bundle)],
      ['extensionEnvironment', JSON.stringify(env)],
      ['skipWelcome', 'true'],
    ];
    const url = `${server.url}/?folder=${encodeURIComponent(remote(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const code = await Promise.race([exited, timeout]);
    // A pending timer would keep the caller's process alive for the rest of timeoutMs.
    clearTimeout(timer);
    if (code === 'timeout') {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'timeout.png') }).catch(() => {});
      throw new StackError(`the extension-host suite did not finish within ${timeoutMs / 1000}s (screenshot: test-output/screenshots/timeout.png)`);
    }
    return { code, ...counts, screenshots: screenshots.taken };
  } finally {
    await browser.close().catch(() => {});
    server.child.kill('SIGTERM');
    screenshots.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const { stackEnvironment } = await import('../stack/stack.mjs');
  runExtensionSuite({ stackEnv: stackEnvironment(), grep: process.argv[2] })
    .then(({ code, screenshots }) => {
      console.log(`screenshots: ${screenshots.map((file) => path.relative(REPO, file)).join(', ') || 'none'}`);
      process.exit(code);
    })
    .catch((error) => {
      console.error(error instanceof StackError ? error.message : error);
      process.exit(1);
    });
}
