// Browser-level test: what the workbench tells a user about the database's state, as they see it. The
// status bar after apply, rollback, an out-of-order rollback and a failure; the rollback confirmation that
// names what it removes; the dry-run report in one view; the error notification of a failed migration
// (the UI run has no smoke-test driver, so toasts show); and both files of a duplicate sequence in the tree.
// Run by test/host/run-tests.js --ui.
'use strict';

const assert = require('node:assert/strict');
const { chooseFromContextMenu } = require('./lib/menus');
const fs = require('fs');
const path = require('path');

const LONG = 60_000;
const SHORT = 20_000;

/** Files the steps need, written before the view first reads the folder. */
function writeMigrations(workspace) {
  const dir = path.join(workspace, 'migrations');
  fs.writeFileSync(path.join(dir, '003_seed_users.sql'), "INSERT INTO users (name) VALUES ('ada'), ('brian'), ('chen');\n");
  fs.writeFileSync(path.join(dir, '003_seed_users.down.sql'), 'DELETE FROM users;\n');
}

async function shoot(page, screenshot, label) {
  await page.mouse.move(900, 720);
  await page.waitForTimeout(300);
  await screenshot(label);
}

function statusItem(page) {
  return page.locator('.statusbar-item[id*="sqliteMigrations.status"]');
}

/** Waits until the status bar item reads `text` (its codicon renders as an icon, not text). */
async function expectStatusBar(page, text, timeout = SHORT) {
  const item = statusItem(page);
  try {
    await item.filter({ hasText: text }).waitFor({ state: 'visible', timeout });
  } catch {
    const shown = await item.innerText().catch(() => '(no status bar item)');
    throw new Error(`the status bar shows "${shown.trim()}", expected "${text}"`);
  }
}

/**
 * F1, the command's title, Enter. The keyboard goes to the workbench first: a report view (a webview in
 * its own frame) that has focus does not always pass F1 on.
 */
async function runCommand(page, title) {
  const quickInput = page.locator('.quick-input-widget');
  await page.locator('.part.sidebar .composite.title .title-label').click();
  await page.keyboard.press('F1');
  await quickInput.waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.type(`SQLite Migrations: ${title}`);
  await quickInput.locator(`.monaco-list-row[aria-label*="SQLite Migrations: ${title}"]`).first().waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.press('Enter');
  await quickInput.waitFor({ state: 'hidden', timeout: SHORT });
}

/** The modal dialog's whole text (message and detail), then a click on `button`. */
async function answerDialog(page, button) {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: LONG });
  const text = await dialog.innerText();
  return {
    text,
    click: async () => {
      await dialog.locator('.dialog-buttons .monaco-button', { hasText: button }).click();
      await dialog.waitFor({ state: 'hidden', timeout: SHORT });
    },
  };
}

async function applyPending(page, count) {
  await runCommand(page, 'Apply Pending Migrations');
  const dialog = await answerDialog(page, 'Apply');
  assert.match(dialog.text, new RegExp(`Apply ${count} pending migrations? to data/app\\.db\\?`), dialog.text);
  await dialog.click();
}

function migrationRow(view, label) {
  return view.locator(`.monaco-list-row[aria-label^="${label},"]`);
}

async function openView(page) {
  const icon = page.locator('.activitybar a.action-label[aria-label^="SQLite Migrations"]');
  await icon.waitFor({ state: 'visible', timeout: LONG });
  // Its count badge sits over the icon's lower right and can take the click while it renders: click the upper left.
  await icon.click({ position: { x: 6, y: 6 } });
  const view = page.locator('.part.sidebar');
  await migrationRow(view, '003 Seed users').waitFor({ state: 'visible', timeout: LONG });
  // Write commands are enabled once the workbench has settled trust.
  await view.locator('.composite.title .action-label[aria-label="New Migration"]:not([aria-disabled="true"])').waitFor({ state: 'visible', timeout: SHORT });
  return view;
}

module.exports = async function stateUi({ page, workspace, screenshot }) {
  writeMigrations(workspace);
  const view = await openView(page);
  await expectStatusBar(page, 'empty · 3 pending', LONG);

  // Apply: up to date.
  await applyPending(page, 3);
  await expectStatusBar(page, '003 · up to date', LONG);
  await shoot(page, screenshot, '1-applied');

  // Roll back the seed: the confirmation says which rows go, from a dry run of the down plan.
  await runCommand(page, 'Roll Back Last Migration');
  const rollback = await answerDialog(page, 'Roll Back');
  assert.match(rollback.text, /Roll back 003_seed_users\?/);
  assert.match(rollback.text, /Deletes 3 rows from users \(3 before, 0 after\)\./, rollback.text);
  await shoot(page, screenshot, '2-rollback-confirmation');
  await rollback.click();
  await expectStatusBar(page, '002 · 1 pending', LONG);
  await shoot(page, screenshot, '3-rolled-back');

  // An out-of-order rollback: 001 goes, 002 and 003 stay applied, and 001 is pending again.
  await applyPending(page, 1);
  await expectStatusBar(page, '003 · up to date', LONG);
  await chooseFromContextMenu(page, migrationRow(view, '001 Create users'), 'Roll Back');
  const outOfOrder = await answerDialog(page, 'Roll Back');
  assert.match(outOfOrder.text, /Drops table users \(3 rows\)\./, outOfOrder.text);
  assert.match(outOfOrder.text, /002_add_user_email, 003_seed_users were applied after it and stay applied\./, outOfOrder.text);
  await outOfOrder.click();
  await expectStatusBar(page, '003 · 1 pending', LONG);
  await shoot(page, screenshot, '4-out-of-order-rollback');

  // The dry-run report: one view, replaced when run again.
  await runCommand(page, 'Dry Run');
  const reportTab = page.locator('.tabs-container .tab[aria-label^="Dry Run: "]');
  await reportTab.first().waitFor({ state: 'visible', timeout: LONG });
  await runCommand(page, 'Dry Run');
  await page.waitForTimeout(1500);
  assert.equal(await reportTab.count(), 1, 'running the dry run twice leaves one report view');
  assert.equal(await page.locator('.tabs-container .tab[aria-label^="Untitled"]').count(), 0, 'no untitled document');
  const report = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
  await report.locator('h1', { hasText: 'Dry run' }).waitFor({ state: 'visible', timeout: SHORT });
  await report.locator('td', { hasText: 'would apply' }).first().waitFor({ state: 'visible', timeout: SHORT });
  await shoot(page, screenshot, '5-dry-run-report');

  // A failed migration: the status bar says so and the error notification is on screen.
  const dir = path.join(workspace, 'migrations');
  fs.writeFileSync(path.join(dir, '004_broken.sql'), 'INSERT INTO no_such_table (id) VALUES (1);\n');
  fs.writeFileSync(path.join(dir, '004_broken.down.sql'), 'SELECT 1;\n');
  await migrationRow(view, '004 Broken').waitFor({ state: 'visible', timeout: LONG });
  await applyPending(page, 2);
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: '004_broken failed' });
  await toast.waitFor({ state: 'visible', timeout: LONG });
  assert.match(await toast.innerText(), /no such table: no_such_table/);
  await expectStatusBar(page, '003 · 1 failed', LONG);
  await shoot(page, screenshot, '6-failed-notification');

  // Two files with one sequence: both in the tree, each with the error; the status bar counts them.
  fs.writeFileSync(path.join(dir, '005_first.sql'), 'CREATE TABLE first (id INTEGER);\n');
  fs.writeFileSync(path.join(dir, '005_second.sql'), 'CREATE TABLE second (id INTEGER);\n');
  for (const name of ['005_first.sql', '005_second.sql']) {
    const row = view.locator(`.monaco-list-row[aria-label^="${name}, error:"]`);
    await row.waitFor({ state: 'visible', timeout: LONG });
    await row.locator('.codicon-error').waitFor({ state: 'visible', timeout: SHORT });
  }
  await expectStatusBar(page, '2 problems', LONG);
  await shoot(page, screenshot, '7-duplicate-sequence');
};
