// Browser-level check that the host shows a usable workbench: the fixture's migrations folder is in
// the Explorer, and opening it lists the migration files. Run by test/host/run-tests.js --ui.
'use strict';

const assert = require('node:assert/strict');

module.exports = async function workbench({ page, screenshot }) {
  const explorer = page.locator('.explorer-folders-view');
  const migrations = explorer.locator('.monaco-list-row', { hasText: 'migrations' });
  await migrations.first().waitFor({ state: 'visible', timeout: 60_000 });
  await migrations.first().click();
  const upFile = explorer.locator('.monaco-list-row', { hasText: '001_create_users.sql' });
  await upFile.first().waitFor({ state: 'visible', timeout: 30_000 });
  const rows = await explorer.locator('.monaco-list-row').allInnerTexts();
  assert.ok(rows.some((text) => text.includes('002_add_user_email.down.sql')), `Explorer rows: ${rows.join(', ')}`);
  await screenshot('explorer');
};
