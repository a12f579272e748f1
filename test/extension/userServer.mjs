// The packaged extension in a VS Code server started as a user starts one (no smoke-test driver,
// which hides notification toasts and is only needed to hand VS Code a test suite), driven from
// Chromium as a person would: the palette, quick picks, buttons. Proves that an error notification
// and a progress notification's Cancel button reach the screen (issue 22), with screenshots.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { freePort } from '../stack/stack.mjs';
import { startVSCodeServer, CHROMIUM_ARGS, ensureChromium } from '../stack/vscodeServer.mjs';
import { writeDemoWorkspace, SAMPLE_DATA } from '../stack/demoWorkspace.mjs';
import { OUTPUT, SCREENSHOTS, extensionConfiguration } from './server.mjs';

/** Runs the palette command whose label starts with `title`. */
async function runFromPalette(page, title) {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ timeout: 30_000 });
  await input.fill(`>${title}`);
  const row = page.locator(`.quick-input-list .monaco-list-row[aria-label^="${title}"]`).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/** The visible notification toast whose text contains `text`. */
const toast = (page, text) => page.locator('.notification-toast-container .notification-list-item', { hasText: text }).first();

/**
 * Returns { passed, failed, screenshots, failures }. `extensionsDir` holds the installed .vsix.
 */
export async function runUserServerWalk({ stackEnv, extensionsDir }) {
  ensureChromium();
  const root = path.join(OUTPUT, 'user-server');
  rmSync(root, { recursive: true, force: true });
  const workspace = path.join(root, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeDemoWorkspace(workspace);
  // The build is cancelled while it runs: a step that takes a while (the demo's own steps are quick).
  writeFileSync(path.join(workspace, 'Dockerfile'), 'FROM aqueducthq/function310:0.3.6\nRUN sleep 60\n');
  const { settings, env } = extensionConfiguration(stackEnv);
  env.DOCKER_CONFIG = path.join(root, 'docker-config');
  mkdirSync(env.DOCKER_CONFIG, { recursive: true });
  const server = await startVSCodeServer({ port: await freePort(), root, settings, env, extensionsDir, smokeTestDriver: false });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  const screenshots = [];
  const failures = [];
  let passed = 0;
  const shot = async (page, name) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name}.png`);
    // Toasts and quick picks fade: the finite animations under way finish first (spinners never do).
    await page.evaluate(() => Promise.all(document.getAnimations().filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity).map((animation) => animation.finished.catch(() => undefined))));
    await page.screenshot({ path: file });
    screenshots.push(file);
  };
  const step = async (page, what, work) => {
    try {
      await work();
      passed++;
      console.log(`  ✔ ${what}`);
    } catch (error) {
      failures.push(`${what}: ${error.message.split('\n')[0]}`);
      console.log(`  ✖ ${what}: ${error.message.split('\n')[0]}`);
      await shot(page, `user-server-failed-${failures.length}`).catch(() => {});
      // Whatever was left open (a menu, a quick pick) would stand in the next step's way.
      await page.keyboard.press('Escape').catch(() => {});
    }
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.activitybar [aria-label^="ECR"]').first().click({ timeout: 60_000 });
    await page.locator('.monaco-list-row[aria-label*="local"]').first().waitFor({ timeout: 60_000 });

    await step(page, 'an error notification is on screen (Inspect Image of a tag that does not exist)', async () => {
      await runFromPalette(page, 'ECR: Inspect Image');
      const pick = page.locator('.quick-input-widget input').first();
      await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Inspect Image' }).first().waitFor({ timeout: 30_000 });
      await pick.fill(`${SAMPLE_DATA.buildTask.repository}:no-such-tag`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'no-such-tag' }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      const error = toast(page, 'Could not inspect');
      await error.waitFor({ state: 'visible', timeout: 60_000 });
      if (!(await error.locator('.codicon-error').count())) throw new Error('the toast is not an error');
      await shot(page, 'user-server-error-notification');
      await error.locator('.codicon-notifications-clear, .codicon-close').first().click().catch(() => {});
    });

    await step(page, 'Copy As says its whole warning in a notification (the pick cut it off)', async () => {
      // A repository with a single "/" (the stack's own, so it exists without the demo's seed).
      const repository = 'user-walk/copy-as';
      const { ecrClient } = await import('../stack/seed.mjs');
      const { CreateRepositoryCommand } = await import('@aws-sdk/client-ecr');
      await ecrClient(stackEnv.ECR_WB_ECR_ENDPOINT).send(new CreateRepositoryCommand({ repositoryName: repository })).catch((error) => {
        if (error.name !== 'RepositoryAlreadyExistsException') throw error;
      });
      const registry = page.locator('.monaco-list-row[aria-label*="local"]').first();
      await page.locator('[id="workbench.parts.sidebar"] .action-label[aria-label^="Refresh"]').first().click().catch(() => {});
      if ((await registry.getAttribute('aria-expanded')) !== 'true') await registry.click();
      const row = page.locator('.monaco-list-row[role="treeitem"]', { hasText: repository }).first();
      await row.waitFor({ timeout: 30_000 });
      await row.click({ button: 'right' });
      // The context menu's entry, chosen as a keyboard user would (a click on its label is not always taken).
      const entry = page.getByRole('menuitem', { name: 'Copy As…' }).first();
      await entry.waitFor({ timeout: 10_000 });
      await entry.hover();
      await page.keyboard.press('Enter');
      const item = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Aqueduct: operator image' }).first();
      await item.waitFor({ timeout: 30_000 });
      await item.click();
      const warning = toast(page, "image()");
      await warning.waitFor({ state: 'visible', timeout: 30_000 });
      const text = await warning.innerText();
      if (!/Copied Aqueduct: operator image for user-walk\/copy-as\. .*image\(\).*"copy-as:latest"/s.test(text)) throw new Error(`the toast reads: ${text}`);
      await shot(page, 'user-server-copy-as-warning');
      await page.keyboard.press('Escape');
    });

    await step(page, "a progress notification's Cancel button is on screen and cancels the build", async () => {
      await runFromPalette(page, 'Tasks: Run Task');
      const label = SAMPLE_DATA.buildTask.label;
      await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ timeout: 30_000 });
      await page.locator('.quick-input-widget input').first().fill(label);
      const row = page.locator(`.quick-input-list .monaco-list-row[aria-label*="${label}"]`).first();
      await row.waitFor({ timeout: 30_000 });
      await row.click();
      const progress = toast(page, `ECR: ${SAMPLE_DATA.buildTask.repository}`);
      const cancel = progress.locator('.monaco-button', { hasText: 'Cancel' });
      await cancel.waitFor({ state: 'visible', timeout: 120_000 });
      await shot(page, 'user-server-progress-cancel');
      await cancel.click();
      // The task ends cancelled: its progress notification goes away.
      await progress.waitFor({ state: 'hidden', timeout: 60_000 });
      await shot(page, 'user-server-cancelled');
    });

    await step(page, "Log In Docker CLI writes the server's own DOCKER_CONFIG, never ~/.docker/config.json", async () => {
      const home = path.join(os.homedir(), '.docker', 'config.json');
      const before = existsSync(home) ? readFileSync(home, 'utf8') : null;
      await runFromPalette(page, 'ECR: Log In Docker CLI');
      const item = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Log in with a 12-hour token' }).first();
      await item.waitFor({ timeout: 30_000 });
      await item.click();
      // The dialog that says where docker will keep the token.
      const logIn = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Log In' }).first();
      await logIn.waitFor({ timeout: 30_000 });
      await shot(page, 'user-server-login-dialog');
      await logIn.click();
      await toast(page, 'docker CLI logged in').waitFor({ state: 'visible', timeout: 60_000 });
      const written = JSON.parse(readFileSync(path.join(env.DOCKER_CONFIG, 'config.json'), 'utf8'));
      if (!written.auths?.[stackEnv.ECR_WB_REGISTRY]) throw new Error(`no auths entry for ${stackEnv.ECR_WB_REGISTRY} in ${env.DOCKER_CONFIG}/config.json`);
      const after = existsSync(home) ? readFileSync(home, 'utf8') : null;
      if (after !== before) throw new Error(`${home} was changed`);
    });
  } finally {
    await browser.close().catch(() => {});
    server.child.kill('SIGTERM');
  }
  return { passed, failed: failures.length, failures, screenshots };
}
