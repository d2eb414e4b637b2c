// Browser-level test: SQL checked while typing, as a user sees it. Typing a misspelled column into a pending
// migration underlines it in red with SQLite's message on hover; hovering a table name shows its definition as
// the earlier migrations leave it. Run by test/host/run-tests.js --ui.
'use strict';

const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');

const LONG = 60_000;
const SHORT = 20_000;

/**
 * The hover at the cursor (Ctrl+K Ctrl+I), once it shows `text`. A hover keeps what it showed when it opened, and the
 * check of the last keystrokes may land after the first squiggle (one of a half-typed word): it is opened again until then.
 */
async function hoverAtCursor(page, text) {
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: text });
  const deadline = Date.now() + LONG;
  for (;;) {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    try {
      await hover.first().waitFor({ state: 'visible', timeout: Math.min(SHORT / 4, Math.max(1, deadline - Date.now())) });
      return hover.first();
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await page.keyboard.press('Escape');
    }
  }
}

/** Puts the cursor on `column` (0-based) of the current line. */
async function cursorTo(page, column) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Home');
  for (let i = 0; i < column; i++) await page.keyboard.press('ArrowRight');
}

module.exports = async function lintUi({ page, workspace, screenshot }) {
  // Typed text stays unsaved (the UI server's user settings turn auto save off): the checks run on the editor's text.
  const file = path.join(workspace, 'migrations', '003_user_report.sql');
  fs.writeFileSync(file, '-- Names of users with an email address.\n');
  const onDisk = fs.readFileSync(file, 'utf8');

  await page.locator('.explorer-folders-view').waitFor({ state: 'visible', timeout: LONG });
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget').waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.type('003_user_report.sql');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: '003_user_report.sql' }).first().waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.press('Enter');
  const tab = page.locator('.tabs-container .tab.active[aria-label*="003_user_report.sql"]');
  await tab.waitFor({ state: 'visible', timeout: SHORT });
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('SELECT nmae FROM users WHERE email IS NOT NULL;');
  await page.keyboard.press('Escape');

  const squiggle = editor.locator('.squiggly-error');
  await squiggle.first().waitFor({ state: 'attached', timeout: LONG });
  await cursorTo(page, 8);
  const problem = await hoverAtCursor(page, 'no such column: nmae');
  assert.match(await problem.innerText(), /SQLite Migrations/);
  await screenshot('1-squiggle-and-hover');

  await cursorTo(page, 19);
  const schema = await hoverAtCursor(page, 'CREATE TABLE users');
  assert.match(await schema.innerText(), /email TEXT/);
  await screenshot('2-table-hover');

  assert.match(await tab.getAttribute('class'), /\bdirty\b/, 'the editor should still hold unsaved text');
  assert.equal(fs.readFileSync(file, 'utf8'), onDisk, 'the squiggle must come from the unsaved text, not the file');
  assert.equal(fs.existsSync(path.join(workspace, 'data', 'app.db')), false, 'the checks never create the database');
};
