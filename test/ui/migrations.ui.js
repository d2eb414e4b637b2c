// Browser-level test: clicks through the real workbench as a user would. Opens the SQLite Migrations
// view, applies a migration from its context menu, creates one from the command palette, and types
// into an applied migration to see the checksum warning. Run by test/host/run-tests.js --ui.
'use strict';

const assert = require('node:assert/strict');
const { chooseFromContextMenu } = require('./lib/menus');
const fs = require('fs');
const path = require('path');

// The workbench, the extension host and sql.js share two cores with other work: waits are generous.
const LONG = 60_000;
const SHORT = 20_000;

/** Polls `probe` until it returns something truthy; for state outside the page (files on disk). */
async function until(probe, what, timeoutMs = SHORT) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The row of a migration in the view; its aria-label is the item's accessibility label. */
function migrationRow(view, label) {
  return view.locator(`.monaco-list-row[aria-label^="${label},"]`);
}

// The codicon src/vscode/tree.ts gives each status: what a sighted user tells the rows apart by.
const STATUS_ICONS = { applied: 'codicon-pass-filled', pending: 'codicon-circle-large-outline' };

/** Waits until the row's aria-label ends with `, <status>` and it shows that status's icon. */
async function expectStatus(view, label, status, timeout = SHORT) {
  const row = view.locator(`.monaco-list-row[aria-label^="${label},"][aria-label$=", ${status}"]`);
  await row.locator(`.custom-view-tree-node-item-icon.${STATUS_ICONS[status]}`).waitFor({ state: 'visible', timeout });
  return row;
}

/** Screenshots without the hover the last click left behind (tooltips cover the view). */
async function shoot(page, screenshot, label) {
  await page.mouse.move(900, 720);
  const noHover = () =>
    ![...document.querySelectorAll('.workbench-hover, .monaco-hover')].some(
      (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden',
    );
  await page.waitForFunction(noHover, undefined, { timeout: SHORT });
  await screenshot(label);
}

/** Drags the sidebar's edge so the view's title and the version column are not cut off in screenshots. */
async function widenSidebar(page, view, by) {
  const box = await view.boundingBox();
  const edge = { x: box.x + box.width, y: box.y + box.height / 2 };
  await page.mouse.move(edge.x, edge.y);
  await page.mouse.down();
  await page.mouse.move(edge.x + by / 2, edge.y, { steps: 5 });
  await page.mouse.move(edge.x + by, edge.y, { steps: 5 });
  await page.mouse.up();
  const after = await view.boundingBox();
  assert.ok(after.width > box.width + by / 2, `the sidebar is ${after.width}px wide after dragging its edge`);
}

/** Step 1: the activity-bar container lists both fixture migrations as pending. */
async function openMigrationsView(page, screenshot) {
  const icon = page.locator('.activitybar a.action-label[aria-label^="SQLite Migrations"]');
  await icon.waitFor({ state: 'visible', timeout: LONG });
  // Its count badge sits over the icon's lower right and can take the click while it renders: click the upper left.
  await icon.click({ position: { x: 6, y: 6 } });
  const view = page.locator('.part.sidebar');
  await view.locator('.composite.title', { hasText: 'SQLite Migrations' }).waitFor({ state: 'visible', timeout: SHORT });
  await widenSidebar(page, view, 120);
  await expectStatus(view, '001 Create users', 'pending', LONG);
  await expectStatus(view, '002 Add user email', 'pending');
  // Commands that write are enabled by `isWorkspaceTrusted`, which the workbench sets a little after
  // the view fills; until then the context menu would offer Apply greyed out.
  const newMigration = view.locator('.composite.title .action-label[aria-label="New Migration"]:not([aria-disabled="true"])');
  await newMigration.waitFor({ state: 'visible', timeout: SHORT });
  const labels = await view.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
  assert.equal(labels.filter((l) => /, pending$/.test(l ?? '')).length, 2, `rows: ${labels.join(' | ')}`);
  await shoot(page, screenshot, '1-view-pending');
  return view;
}

/** Step 2: right-click → Apply turns the row applied and creates the database file. */
async function applyFromContextMenu(page, view, workspace, screenshot) {
  await chooseFromContextMenu(page, migrationRow(view, '001 Create users'), 'Apply');
  await expectStatus(view, '001 Create users', 'applied');
  await expectStatus(view, '002 Add user email', 'pending');
  const dbFile = path.join(workspace, 'data', 'app.db');
  const header = await until(() => fs.existsSync(dbFile) && fs.readFileSync(dbFile).subarray(0, 16), `${dbFile}`);
  assert.equal(header.toString('latin1'), 'SQLite format 3\0');
  await shoot(page, screenshot, '2-applied');
}

/** Step 3: F1 → New Migration → description → "With a test file" opens the new up file; three files on disk. */
async function newMigrationFromPalette(page, workspace, screenshot) {
  const quickInput = page.locator('.quick-input-widget');
  await page.keyboard.press('F1');
  await quickInput.waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.type('SQLite Migrations: New Migration');
  const command = quickInput.locator('.monaco-list-row[aria-label*="SQLite Migrations: New Migration"]');
  await command.first().waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.press('Enter');
  await quickInput.locator('.quick-input-title', { hasText: /^New Migration$/ }).waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.type('add user roles');
  await page.keyboard.press('Enter');
  // The fixture's migrations carry no "-- version:" headers: versioned by sequence, there is no level to ask.
  await quickInput.locator('.quick-input-title', { hasText: 'test file' }).waitFor({ state: 'visible', timeout: SHORT });
  await quickInput.locator('.monaco-list-row', { hasText: /^With a test file/ }).click();
  const tab = page.locator('.tabs-container .tab.active[aria-label*="003_add_user_roles.sql"]');
  await tab.waitFor({ state: 'visible', timeout: SHORT });
  const dir = path.join(workspace, 'migrations');
  const created = await until(() => {
    const names = fs.readdirSync(dir).filter((name) => name.startsWith('003_')).sort();
    return names.length === 3 && names;
  }, 'the 003_* pair and its test file on disk');
  assert.deepEqual(created, ['003_add_user_roles.down.sql', '003_add_user_roles.sql', '003_add_user_roles.test.sql']);
  const up = fs.readFileSync(path.join(dir, created[1]), 'utf8');
  assert.match(up, /description: Add user roles/);
  assert.doesNotMatch(up, /^-- version:/m, 'versions are the sequences here');
  assert.match(fs.readFileSync(path.join(dir, created[2]), 'utf8'), /^-- -- expect-plan: /m);
  await expectStatus(page.locator('.part.sidebar'), '003 Add user roles', 'pending');
  await shoot(page, screenshot, '3-new-migration');
}

/** Step 4: typing into the applied 001 (unsaved) raises the checksum warning in the Problems panel. */
async function editAppliedMigration(page, view, workspace, screenshot) {
  const upFile = path.join(workspace, 'migrations', '001_create_users.sql');
  const onDisk = fs.readFileSync(upFile, 'utf8');
  await migrationRow(view, '001 Create users').click();
  const tab = page.locator('.tabs-container .tab.active[aria-label*="001_create_users.sql"]');
  await tab.waitFor({ state: 'visible', timeout: SHORT });
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('CREATE INDEX users_name ON users (name);');
  await page.keyboard.press('Control+Shift+M');
  const marker = page.locator('.markers-panel .monaco-list-row', { hasText: /was applied.* with a different checksum/ });
  await marker.first().waitFor({ state: 'visible', timeout: SHORT });
  await editor.locator('.squiggly-warning').first().waitFor({ state: 'attached', timeout: SHORT });
  await shoot(page, screenshot, '4-checksum-warning');
  assert.match(await tab.getAttribute('class'), /\bdirty\b/, 'the editor should still hold unsaved text');
  assert.equal(fs.readFileSync(upFile, 'utf8'), onDisk, 'the warning must come from the unsaved text, not the file');
}

module.exports = async function migrationsUi({ page, workspace, screenshot }) {
  const timings = [];
  const step = async (name, body) => {
    const started = Date.now();
    const value = await body();
    timings.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return value;
  };
  const view = await step('view', () => openMigrationsView(page, screenshot));
  await step('apply', () => applyFromContextMenu(page, view, workspace, screenshot));
  await step('new migration', () => newMigrationFromPalette(page, workspace, screenshot));
  await step('checksum warning', () => editAppliedMigration(page, view, workspace, screenshot));
  console.log(`    migrations.ui steps: ${timings.join(', ')}`);
};
