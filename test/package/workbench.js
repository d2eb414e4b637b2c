// Runs "Apply Pending Migrations" from the command palette of a real workbench (code-server in
// chromium) whose only copy of the extension is the one installed from the .vsix.
'use strict';

const fs = require('fs');
const path = require('path');
const { startServer } = require('../host/server');
const { launchBrowser, newPage, openWorkbench } = require('../host/browser');
const { installVsix } = require('./install');
const { databaseFile } = require('./migrated');

const COMMAND = 'SQLite Migrations: Apply Pending Migrations';
// A temp folder would be in Restricted Mode, where the extension refuses to write.
const USER_SETTINGS = { 'security.workspace.trust.enabled': false };

/** Waits for `locator` to show, failing with what was awaited rather than playwright's selector. */
async function waitVisible(locator, timeoutMs, what) {
  try {
    await locator.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    throw new Error(`${what} did not show within ${timeoutMs / 1000} s`);
  }
}

async function runFromPalette(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await waitVisible(input, 30_000, 'the command palette');
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await waitVisible(row, 30_000, `"${title}" in the command palette`);
  await row.click();
}

async function confirmModal(page, button) {
  const dialog = page.locator('.monaco-dialog-box');
  await waitVisible(dialog, 30_000, 'the confirmation dialog');
  await dialog.getByRole('button', { name: button, exact: true }).click();
}

async function waitForFile(file, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The server's extensions folder: where startServer puts it, beside its user data. */
function extensionsDirOf(server) {
  return server.extensionsDir ?? path.join(path.dirname(server.userDataDir), 'extensions');
}

/** The extension's status bar item, e.g. "empty · 1 pending": shown once the installed extension has activated. */
function statusItem(page, text) {
  return page.locator('.statusbar-item', { hasText: text }).first();
}

async function applyInWorkbench(page, url, workspace, screenshot) {
  await openWorkbench(page, url);
  // The palette lists only what is registered when it opens, so wait for the extension first.
  await waitVisible(statusItem(page, 'empty · 1 pending'), 60_000, 'the installed extension\'s status bar item "empty · 1 pending"');
  await screenshot('activated');
  await runFromPalette(page, COMMAND);
  await confirmModal(page, 'Apply');
  // The file is replaced atomically, so once it exists it is complete.
  await waitForFile(databaseFile(workspace), 60_000);
  await waitVisible(statusItem(page, '001'), 30_000, 'the status bar item "001" (database at 001, nothing pending)');
  await screenshot('applied');
}

/**
 * Starts code-server with no development extension, installs the .vsix into its extensions folder
 * before any window opens, and applies the workspace's migrations through the palette.
 */
async function applyWithInstalledExtension({ vsix, manifest, workspace, artifacts }) {
  const output = [];
  const server = await startServer({ userSettings: USER_SETTINGS, onOutput: (text) => output.push(text) });
  let browser;
  let page;
  const screenshot = (label) => page.screenshot({ path: path.join(artifacts, `workbench-${label}.png`) });
  try {
    installVsix(vsix, extensionsDirOf(server), manifest);
    browser = await launchBrowser();
    page = await newPage(browser);
    await applyInWorkbench(page, server.url({ folder: workspace }), workspace, screenshot);
  } catch (err) {
    if (page) await screenshot('failure').catch(() => {});
    fs.writeFileSync(path.join(artifacts, 'code-server.log'), output.join(''));
    throw err;
  } finally {
    if (browser) await browser.close();
    await server.stop();
  }
}

module.exports = { applyWithInstalledExtension };
