// The packaged extension in a VS Code server started as a user starts one (no smoke-test driver,
// which hides notification toasts and is only needed to hand VS Code a test suite), driven from
// Chromium as a person would: the palette, quick picks, buttons. Proves that an error notification
// and a progress notification's Cancel button reach the screen, and that a registry added through
// "+", re-credited and removed stays so across a window reload (issue 22), with screenshots.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { freePort } from '../stack/stack.mjs';
import { startVSCodeServer, CHROMIUM_ARGS, ensureChromium } from '../stack/vscodeServer.mjs';
import { writeDemoWorkspace, SAMPLE_DATA } from '../stack/demoWorkspace.mjs';
import { OUTPUT, SCREENSHOTS, extensionConfiguration, hoverTreeRow } from './server.mjs';

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

/** Answers the open quick pick (or input box) titled `title` by typing `text` and pressing Enter once a row shows it. */
async function answerQuickInput(page, title, text, { row = true } = {}) {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).first().waitFor({ timeout: 30_000 });
  await page.locator('.quick-input-widget input').first().fill(text);
  if (row) await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
}

/** The ECR view on screen with the stack's registry "local" listed (after a reload VS Code may have restored it already). */
async function showEcrView(page) {
  const icon = page.locator('.activitybar .action-item', { has: page.locator('[aria-label^="ECR"]') }).first();
  await icon.waitFor({ timeout: 60_000 });
  if (!((await icon.getAttribute('class')) ?? '').includes('checked')) await icon.click();
  await page.locator('.monaco-list-row[aria-label*="local"]').first().waitFor({ timeout: 60_000 });
}

/** Reloads the page, as Developer: Reload Window does: a new workbench and a new extension host, reading settings afresh. */
async function reloadWorkbench(page) {
  await page.reload();
  await showEcrView(page);
}

/** The tree row labelled exactly `label`. */
const treeRow = (page, label) => page.locator('.monaco-list-row[role="treeitem"]', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();

/** Chooses `entry` in the context menu of the tree row labelled `label`, as a keyboard user would. */
async function contextMenu(page, label, entry) {
  await treeRow(page, label).click({ button: 'right' });
  const item = page.getByRole('menuitem', { name: entry }).first();
  await item.waitFor({ timeout: 10_000 });
  await item.hover();
  await page.keyboard.press('Enter');
}

/** The visible notification toast whose text contains `text`. */
const toast = (page, text) => page.locator('.notification-toast-container .notification-list-item', { hasText: text }).first();

/** The registry the walk adds through "+", re-credits and removes (an account the stack does not have: it is never expanded). */
const WALK_REGISTRY = { accountId: '210987654321', region: 'eu-west-1', label: 'walk-registry', profile: 'walk-ops' };

/**
 * Returns { passed, failed, screenshots, failures }. `extensionsDir` holds the installed .vsix.
 */
export async function runUserServerWalk({ stackEnv, extensionsDir }) {
  ensureChromium();
  const root = path.join(OUTPUT, 'user-server');
  rmSync(root, { recursive: true, force: true });
  // The workspace sits outside the clone, as a user's does: inside it, Git's "repository found in the parent
  // folders" toast covers the screenshots' corner.
  const workspace = path.join(mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-walk-')), 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeDemoWorkspace(workspace);
  // The build is cancelled while it runs: a step that takes a while (the demo's own steps are quick).
  writeFileSync(path.join(workspace, 'Dockerfile'), 'FROM aqueducthq/function310:0.3.6\nRUN sleep 60\n');
  const { settings, env } = extensionConfiguration(stackEnv);
  env.DOCKER_CONFIG = path.join(root, 'docker-config');
  mkdirSync(env.DOCKER_CONFIG, { recursive: true });
  // Select AWS Profile lists the server machine's profiles: this walk's own config, never the user's ~/.aws.
  const aws = path.join(root, 'aws');
  mkdirSync(aws, { recursive: true });
  writeFileSync(path.join(aws, 'config'), `[profile ${WALK_REGISTRY.profile}]\nregion = ${WALK_REGISTRY.region}\n`);
  writeFileSync(path.join(aws, 'credentials'), '');
  env.AWS_CONFIG_FILE = path.join(aws, 'config');
  env.AWS_SHARED_CREDENTIALS_FILE = path.join(aws, 'credentials');
  const server = await startVSCodeServer({ port: await freePort(), root, settings, env, extensionsDir, smokeTestDriver: false });
  // ecr.registries in this machine's settings as well (before any window connects), as a Remote-SSH or
  // code-server user has it once the extension has moved it there: while the setting was
  // application-scoped, a write then landed in this file, which nothing read, and Add Registry did
  // nothing (issue 22). (startVSCodeServer keeps the machine settings in <root>/user-data/Machine.)
  const machineSettings = path.join(root, 'user-data', 'Machine', 'settings.json');
  writeFileSync(machineSettings, JSON.stringify({ ...JSON.parse(readFileSync(machineSettings, 'utf8')), 'ecr.registries': settings['ecr.registries'] }, null, 2));
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

    // Issue 22: registries are kept where the extension host reads them, so a reloaded window (a new
    // extension host) still lists what the user added, re-credited or removed.
    const { accountId, region, label, profile } = WALK_REGISTRY;
    await step(page, '"+" adds a registry: its row shows, and still shows after the window reloads', async () => {
      const sidebar = page.locator('[id="workbench.parts.sidebar"]');
      await sidebar.hover();
      // Registry rows only, so the new row is on screen whatever the steps above expanded.
      await sidebar.locator('.action-label[aria-label^="Collapse All"]').first().click();
      await sidebar.hover();
      await sidebar.locator('.action-label[aria-label^="Add Registry"]').first().click();
      await answerQuickInput(page, 'Add ECR Registry', 'Paste a registry URI');
      await answerQuickInput(page, 'Add Registry: registry URI', `${accountId}.dkr.ecr.${region}.amazonaws.com`, { row: false });
      await answerQuickInput(page, `Add Registry: credentials for ${accountId} in ${region}`, 'Default credential chain');
      await answerQuickInput(page, 'Add Registry: name in the sidebar', label, { row: false });
      await treeRow(page, label).waitFor({ timeout: 30_000 });
      await shot(page, 'user-server-registry-added');
      await reloadWorkbench(page);
      await treeRow(page, label).waitFor({ timeout: 30_000 });
      await shot(page, 'user-server-registry-added-after-reload');
    });

    await step(page, 'Select AWS Profile: the row names the profile, and still does after the window reloads', async () => {
      await contextMenu(page, label, 'Select AWS Profile for Registry…');
      await answerQuickInput(page, `Credentials for ${label}`, profile);
      const credited = async () => {
        for (let attempt = 1; ; attempt++) {
          // The row is redrawn once the settings change reaches the view, which drops a hover being read: read it again.
          const hover = await hoverTreeRow(page, label).catch((error) => `(no hover: ${error.message.split('\n')[0]})`);
          if (hover.includes(`profile ${profile}`)) return;
          if (attempt === 10) throw new Error(`the row's hover reads: ${hover}`);
        }
      };
      await credited();
      await reloadWorkbench(page);
      await treeRow(page, label).waitFor({ timeout: 30_000 });
      await credited();
      await shot(page, 'user-server-profile-after-reload');
      await page.mouse.move(0, 0);
    });

    await step(page, 'Remove Registry: the row goes, and stays gone after the window reloads', async () => {
      await contextMenu(page, label, 'Remove Registry');
      const remove = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Remove from View' }).first();
      await remove.waitFor({ timeout: 30_000 });
      await remove.click();
      await treeRow(page, label).waitFor({ state: 'detached', timeout: 30_000 });
      await reloadWorkbench(page);
      // "local" is listed (showEcrView waited for it): the view has drawn its registries, and this one is not among them.
      if (await treeRow(page, label).count()) throw new Error(`the row "${label}" is back after the reload`);
      await shot(page, 'user-server-registry-removed-after-reload');
    });
  } finally {
    await browser.close().catch(() => {});
    server.child.kill('SIGTERM');
    rmSync(path.dirname(workspace), { recursive: true, force: true });
  }
  return { passed, failed: failures.length, failures, screenshots };
}
