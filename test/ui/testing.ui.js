// Browser-level test: the Testing view with the migrations' test files. Two test files (one assertion broken),
// Run All from the palette, then the view shows passed and failed items, and the failure its expected/actual diff;
// screenshots into the artifacts folder.
// Run by test/host/run-tests.js --ui.
'use strict';

const fs = require('fs');
const path = require('path');

const LONG = 60_000;
const SHORT = 20_000;

function writeTests(workspace) {
  const dir = path.join(workspace, 'migrations');
  fs.writeFileSync(path.join(dir, '001_create_users.test.sql'), "INSERT INTO users (name) VALUES ('ada');\n-- expect: 1\nSELECT count(*) FROM users;\n-- expect-error: NOT NULL\nINSERT INTO users (name) VALUES (NULL);\n");
  // Line 4's assertion is wrong on purpose: the column is there, so it has one row.
  fs.writeFileSync(path.join(dir, '002_add_user_email.test.sql'), "-- expect-rows: 1\nSELECT name FROM pragma_table_info('users') WHERE name = 'email';\n-- expect: 0\nSELECT count(*) FROM pragma_table_info('users') WHERE name = 'email';\n");
}

async function palette(page, title) {
  const quickInput = page.locator('.quick-input-widget');
  await page.keyboard.press('F1');
  await quickInput.waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.type(title);
  await quickInput.locator(`.monaco-list-row[aria-label*="${title}"]`).first().waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.press('Enter');
  await quickInput.waitFor({ state: 'hidden', timeout: SHORT });
}

/** The Test Results view through "View: Open View", when the failure command left it closed. */
async function openTestResults(page) {
  const quickInput = page.locator('.quick-input-widget');
  await page.keyboard.press('F1');
  await quickInput.waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.type('View: Open View');
  await quickInput.locator('.monaco-list-row[aria-label*="View: Open View"]').first().waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.press('Enter');
  await page.keyboard.type('Test Results');
  await quickInput.locator('.monaco-list-row[aria-label*="Test Results"]').first().waitFor({ state: 'visible', timeout: SHORT });
  await page.keyboard.press('Enter');
  await quickInput.waitFor({ state: 'hidden', timeout: SHORT });
}

module.exports = async function testingUi({ page, workspace, screenshot }) {
  writeTests(workspace);
  // The extension activates on the migrations folder; its items appear once it has read the test files.
  // The Testing view's icon appears once a test controller exists: the extension has made its own.
  const testing = page.locator('.activitybar a.action-label[aria-label^="Testing"]');
  await testing.waitFor({ state: 'visible', timeout: LONG });
  await testing.click();
  const view = page.locator('.part.sidebar');
  await view.locator('.monaco-list-row', { hasText: '002_add_user_email.test.sql' }).first().waitFor({ state: 'visible', timeout: LONG });
  await palette(page, 'Test: Run All Tests');
  await view.locator('.monaco-list-row .codicon-testing-failed-icon').first().waitFor({ state: 'visible', timeout: LONG });
  await view.locator('.monaco-list-row .codicon-testing-passed-icon').first().waitFor({ state: 'visible', timeout: LONG });
  // Open the failed file's item so its failing assertion shows beside the passing ones.
  const failedFile = view.locator('.monaco-list-row', { hasText: '002_add_user_email.test.sql' }).first();
  if ((await failedFile.getAttribute('aria-expanded')) === 'false') await failedFile.locator('.monaco-tl-twistie').click();
  const broken = view.locator('.monaco-list-row', { hasText: 'expect: 0' }).first();
  await broken.waitFor({ state: 'visible', timeout: SHORT });
  await broken.locator('.codicon-testing-failed-icon').waitFor({ state: 'visible', timeout: SHORT });
  await view.locator('.monaco-list-row', { hasText: '001_create_users: reversible' }).locator('.codicon-testing-passed-icon').waitFor({ state: 'visible', timeout: SHORT });
  await page.mouse.move(900, 720);
  await page.waitForTimeout(300);
  await screenshot('testing-view');
  // The failure with its expected and actual: "Go to Next Test Failure" opens the Test Results panel on the
  // failed assertion; its message there (file:line, expected, actual) opens as a diff of the two.
  const results = page.locator('.part.panel');
  const message = results.locator('.monaco-list-row', { hasText: '002_add_user_email.test.sql:4: expect: 0: expected 0, actual 1' }).first();
  const row = results.locator('.monaco-list-row', { hasText: /^expect: 0/ }).first();
  // The command is sometimes taken before the workbench has the run's results at hand: ask again.
  for (let attempt = 0; attempt < 3 && !(await row.isVisible()) && !(await message.isVisible()); attempt++) {
    await palette(page, 'Test: Go to Next Test Failure');
    await message.or(row).first().waitFor({ state: 'visible', timeout: SHORT }).catch(() => undefined);
  }
  if (!(await row.isVisible()) && !(await message.isVisible())) await openTestResults(page);
  if (!(await message.isVisible())) await row.locator('.monaco-tl-twistie').click();
  await message.waitFor({ state: 'visible', timeout: SHORT });
  await message.click();
  await results.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: SHORT });
  await page.waitForTimeout(500);
  await screenshot('testing-failure-diff');
};
