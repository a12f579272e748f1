#!/usr/bin/env node
// npm run demo: the extension in VS Code against a local ECR-compatible stack with sample data.
// Installs what is missing, starts moto + registry + Docker Engine, seeds them, packages and
// installs the extension into the VS Code server, and prints the URL to open. Desktop `code` is
// launched too when present. Ctrl+C stops everything.
//   --screenshot    also open the workbench in headless Chromium and save
//                   test-output/screenshots/demo.png, then exit (used to check what a person sees)
import { spawnSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { createHash } from 'node:crypto';
import { REPO, up, down, freePort, StackError } from './stack.mjs';
import { ensureNpmDependencies } from './dependencies.mjs';
import { childEnv } from './childEnv.mjs';
import { onSupportedNode } from './supportedNode.mjs';
import { fileURLToPath } from 'node:url';
import { SAMPLE_DATA, writeDemoWorkspace } from './demoWorkspace.mjs';
import { installExtension, startVSCodeServer, CHROMIUM_ARGS, ensureChromium } from './vscodeServer.mjs';

// Node 20 (end of life): the same script on Node 24 instead, so the dev tools run on a Node they support.
await onSupportedNode(fileURLToPath(import.meta.url));
const screenshotOnly = process.argv.includes('--screenshot');
const OUTPUT = path.join(REPO, 'test-output');
const say = (message) => console.log(`[demo] ${message}`);

/**
 * Where the demo keeps what it writes, outside this clone: a workspace inside the clone made Git ask
 * about "a repository found in parent folders", and the demo's docker config must not be the user's.
 * One folder per clone (its path hashed), so two clones' demos do not share it.
 */
const DEMO_HOME = path.join(os.tmpdir(), `ecr-workbench-demo-${createHash('sha256').update(REPO).digest('hex').slice(0, 8)}`);

/** A workspace worth opening: an Aqueduct Dockerfile with a mistake to lint, and a build task. */
function demoWorkspace() {
  return writeDemoWorkspace(path.join(DEMO_HOME, 'workspace'));
}

async function main() {
  ensureNpmDependencies(say);
  // Imported only now: seed.mjs needs the AWS SDK, which a fresh clone has only after npm ci.
  const { seed } = await import('./seed.mjs');
  say('starting the local ECR stack');
  const stack = await up();
  say('seeding sample repositories and images');
  await seed(stack.env);

  say('packaging and installing the extension');
  if (spawnSync('npm', ['run', '-s', 'package'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'], env: childEnv() }).status !== 0) throw new StackError('npm run package failed');
  const root = path.join(OUTPUT, 'demo-vscode');
  const extensionsDir = path.join(root, 'extensions');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(extensionsDir, { recursive: true });
  installExtension(path.join(REPO, 'dist', 'ecr-workbench.vsix'), extensionsDir);

  const { extensionConfiguration } = await import('../extension/server.mjs');
  const { settings, env } = extensionConfiguration(stack.env);
  // Log In Docker CLI (and docker in the demo's terminals) write this config, never ~/.docker/config.json.
  env.DOCKER_CONFIG = path.join(DEMO_HOME, 'docker-config');
  mkdirSync(env.DOCKER_CONFIG, { recursive: true });
  const workspace = demoWorkspace();
  const port = Number(process.env.ECR_WB_DEMO_PORT) || (await freePort());
  // As a user runs it: the packaged extension, no smoke-test driver (which hides notifications).
  const server = await startVSCodeServer({ port, root, settings, env, extensionsDir, smokeTestDriver: false });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;

  const stopAll = async () => {
    server.child.kill('SIGTERM');
    await down(stack.started);
  };

  if (screenshotOnly) {
    await screenshot(url);
    await stopAll();
    return;
  }
  console.log(`\nECR Workbench demo is running. Open:\n\n  ${url}\n`);
  console.log(`ECR API (the ECR front before moto): ${stack.env.ECR_WB_ECR_ENDPOINT}   registry: ${stack.env.ECR_WB_REGISTRY}   Docker: ${stack.env.DOCKER_HOST}`);
  console.log(`Workspace: ${workspace}   docker config: ${env.DOCKER_CONFIG} (your ~/.docker is not touched)`);
  console.log('Press Ctrl+C to stop the demo and the stack.\n');
  const code = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
  if (code && process.env.DISPLAY) {
    // Desktop VS Code with the packaged extension and the same settings, in its own profile.
    const userData = path.join(root, 'desktop-user-data');
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    spawn(code, ['--user-data-dir', userData, '--extensions-dir', extensionsDir, workspace], { env: childEnv(env), stdio: 'ignore', detached: true }).unref();
    say('desktop VS Code opened too');
  }
  process.on('SIGINT', () => stopAll().then(() => process.exit(0)));
  process.on('SIGTERM', () => stopAll().then(() => process.exit(0)));
  await new Promise(() => {});
}

/**
 * Walks the demo as a newcomer would and saves what they see: opens the ECR view and the demo
 * Dockerfile (with its lint diagnostics), runs the workspace's build task from the palette, waits
 * for the push in the terminal and for the pushed tag in the tree, then takes the screenshot.
 */
async function screenshot(url) {
  const { chromium } = await import('playwright-core');
  ensureChromium();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const { repository, tag, label } = SAMPLE_DATA.buildTask;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  let step = 'the ECR view with the seeded repository';
  try {
    await page.goto(url);
    await page.locator('.activitybar [aria-label^="ECR"]').first().click({ timeout: 60_000 });
    const registry = page.locator('.monaco-list-row[aria-label*="local"]').first();
    await registry.waitFor({ timeout: 30_000 });
    if ((await registry.getAttribute('aria-expanded')) !== 'true') await registry.click();
    const repositoryRow = page.locator(`.monaco-list-row[aria-label*="${repository}"]`).first();
    await repositoryRow.waitFor({ timeout: 30_000 });
    await repositoryRow.click();
    await page.locator('.monaco-list-row[aria-label*="0.3.6"]').first().waitFor({ timeout: 30_000 });

    // Open the demo Dockerfile (Quick Open), as a person would, and wait for its diagnostics.
    step = 'the demo Dockerfile with its diagnostics';
    await page.keyboard.press('Control+P');
    await page.keyboard.type('Dockerfile');
    await page.locator('.quick-input-list .monaco-list-row[aria-label*="Dockerfile"]').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });

    // Run the workspace's build task from the palette.
    step = 'the command palette';
    await page.keyboard.press('Control+Shift+P');
    const paletteInput = page.locator('.quick-input-widget input').first();
    await paletteInput.waitFor({ timeout: 30_000 });
    await paletteInput.fill('>Tasks: Run Task');
    step = '"Tasks: Run Task" in the palette';
    const runTask = page.locator('.quick-input-list .monaco-list-row[aria-label^="Tasks: Run Task"]').first();
    await runTask.waitFor({ timeout: 30_000 });
    await runTask.click();
    step = 'the task picker';
    // Type only once the task picker is up (typing earlier would land in the editor).
    const taskInput = page.locator('.quick-input-widget input').first();
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ timeout: 30_000 });
    await taskInput.fill(label);
    const taskRow = page.locator(`.quick-input-list .monaco-list-row[aria-label*="${label}"]`).first();
    step = `"${label}" in the task picker`;
    await taskRow.waitFor({ timeout: 30_000 });
    await taskRow.click();
    step = 'the push in the task terminal';
    // VS Code may ask which problem matcher to scan the output with; the task needs none. The task's
    // terminal tab shows a check mark when the task has finished successfully, a warning sign when it
    // finished with warnings (the demo Dockerfile's AQ001, which the task lists before pushing).
    const noScan = page.locator('.quick-input-list .monaco-list-row[aria-label*="Continue without scanning"]').first();
    const finished = page.locator(['.single-terminal-tab', '.terminal-tabs-entry'].flatMap((tab) => [`${tab} .codicon-check`, `${tab} .codicon-warning`]).join(', ')).first();
    await Promise.race([noScan.waitFor({ timeout: 180_000 }).then(() => noScan.click()), finished.waitFor({ timeout: 180_000 })]);
    await finished.waitFor({ timeout: 180_000 });
    // The task refreshes the repository: the tag's row is there, with its size.
    step = `the "${tag}" row in the ECR view`;
    await page.locator(`.monaco-list-row[aria-label*="${tag}"]`, { hasText: 'MB' }).first().waitFor({ timeout: 30_000 });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    mkdirSync(path.join(OUTPUT, 'screenshots'), { recursive: true });
    const file = path.join(OUTPUT, 'screenshots', 'demo.png');
    await page.screenshot({ path: file });
    say(`screenshot saved: ${path.relative(REPO, file)} (the "${tag}" tag the build task pushed is in the tree)`);
  } catch (error) {
    // What the page showed when a step timed out: the quickest way to see what a person would have.
    await page.screenshot({ path: path.join(OUTPUT, 'screenshots', 'demo-failed.png') }).catch(() => {});
    throw new StackError(`the demo walk-through stopped waiting for ${step}: ${error.message.split('\n')[0]} (screenshot: test-output/screenshots/demo-failed.png)`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error instanceof StackError ? `[demo] ${error.message}` : error);
  process.exit(1);
});
