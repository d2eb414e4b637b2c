// Drives the VS Code workbench in Debian's headless chromium through playwright-core.
'use strict';

const util = require('util');
const { chromium } = require('playwright-core');
const { CHROMIUM } = require('./install');

// test/integration/index.ts prints the start marker first and the summary line last: in between, the
// page's console is the extension host's test output. The rest is workbench chatter, kept for reports only.
const SUITE_START_MARKER = 'Running integration tests:';
const SUITE_SUMMARY = /^[\w-]+: \d+ passed, \d+ failed/;

const VIEWPORT = { width: 1280, height: 800 };

function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
}

/** A page in its own context, so no window sees another's local storage. */
async function newPage(browser) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  return context.newPage();
}

/**
 * The workbench logs with `console.log('%c INFO', 'color: …', format, ...args)`; the extension host's
 * console calls arrive the same way. Turns one message back into the text the extension host printed.
 */
async function consoleText(message) {
  const args = await Promise.all(message.args().map((handle) => handle.jsonValue().catch(() => '<unserializable>')));
  let level = message.type();
  if (typeof args[0] === 'string' && args[0].startsWith('%c')) {
    level = args[0].slice(2).trim().toLowerCase();
    args.splice(0, 2);
  }
  if (args.length === 0) return { level, text: message.text() };
  return { level, text: util.format(...args) };
}

/**
 * Collects the page's console: kept in `lines` for reports, and passed to `onSuiteOutput`
 * from the suite's start marker to its summary line.
 */
function watchConsole(page, onSuiteOutput) {
  const lines = [];
  let inSuite = false;
  let summary;
  // Messages are formatted asynchronously; chaining keeps them in the order they were logged.
  let queue = Promise.resolve();
  page.on('console', (message) => {
    queue = queue.then(async () => {
      const { level, text } = await consoleText(message);
      lines.push(`[${level}] ${text}`);
      if (!inSuite && summary === undefined && text.includes(SUITE_START_MARKER)) inSuite = true;
      if (!inSuite) return;
      onSuiteOutput(level, text);
      if (SUITE_SUMMARY.test(text)) {
        summary = text;
        inSuite = false;
      }
    });
  });
  page.on('pageerror', (error) => lines.push(`[pageerror] ${error.stack ?? error.message}`));
  // The exit report can overtake the last console messages; give them a moment to arrive.
  const settle = async (graceMs = 2000) => {
    const deadline = Date.now() + graceMs;
    while (summary === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await queue;
  };
  return { lines, settle, summary: () => summary };
}

/** Rejects with "<what> did not finish within N s" unless `promise` settles first. */
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Opens the workbench with the test payload and resolves with the extension host's exit code,
 * which the workbench reports through `window.codeAutomationExit(code, logs)`.
 */
async function runExtensionTests(page, url, timeoutMs) {
  let reportExit;
  const exited = new Promise((resolve) => {
    reportExit = resolve;
  });
  await page.exposeFunction('codeAutomationExit', (code, logs) => reportExit({ code, logs: logs ?? [] }));
  const run = (async () => {
    await page.goto(url);
    return exited;
  })();
  return withTimeout(run, timeoutMs, 'the test run');
}

/** Opens the workbench and waits until its parts are laid out. */
async function openWorkbench(page, url) {
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
}

module.exports = { launchBrowser, newPage, watchConsole, runExtensionTests, openWorkbench, withTimeout };
