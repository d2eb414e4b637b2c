// Helpers the browser-level UI tests share. Not a test itself: run-tests.js runs only *.ui.js files.
'use strict';

const SHORT = 20_000;

/**
 * Right-clicks `target` and clicks `item` in the context menu, trying again as a user would when the
 * menu does not respond: VS Code's menu items listen for mouseup only 100 ms after they render (so the
 * right-click's own mouseup cannot choose one), a timer a busy machine can stretch past playwright's
 * click; and a menu opened before the workbench settles trust shows the item disabled.
 * The caller checks what the command did, so a retry cannot hide a failure.
 */
async function chooseFromContextMenu(page, target, item) {
  const menu = page.locator('.context-view .monaco-menu');
  for (let attempt = 1; ; attempt++) {
    if (!(await menu.isVisible())) await target.click({ button: 'right' });
    const entry = menu.getByRole('menuitem', { name: item, exact: true });
    await entry.waitFor({ state: 'visible', timeout: SHORT });
    const disabled = (await entry.getAttribute('aria-disabled')) === 'true';
    if (disabled) await page.keyboard.press('Escape');
    else await entry.click();
    const closed = await menu.waitFor({ state: 'detached', timeout: 3000 }).then(() => true, () => false);
    if (closed && !disabled) return;
    if (attempt === 5) throw new Error(`could not choose "${item}" from the context menu in ${attempt} attempts`);
    console.log(`    (context menu: "${item}" ${disabled ? 'was disabled' : 'did not respond'}; trying again)`);
  }
}

module.exports = { chooseFromContextMenu };
