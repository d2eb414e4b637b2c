// The two kinds of run the host does against a real workbench: the mocha suite inside the extension
// host, and browser-level UI modules that click through the workbench with playwright.
'use strict';

const fs = require('fs');
const path = require('path');
const { startServer } = require('./server');
const { newPage, watchConsole, runExtensionTests, openWorkbench, withTimeout } = require('./browser');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TESTS_ENTRY = path.join(REPO_ROOT, 'out', 'test', 'integration', 'index');

// Trusted runs switch workspace trust off (VS Code then treats every folder as trusted); untrusted runs
// leave it on, so the fresh temp folder opens in Restricted Mode as it would for a user.
const TRUST_SETTINGS = {
  trusted: { 'security.workspace.trust.enabled': false },
  untrusted: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' },
};

/** A fresh copy of the fixture, so tests may write to it freely. */
function copyFixture(fixture, scratch) {
  const target = fs.mkdtempSync(path.join(scratch, 'workspace-'));
  fs.cpSync(fixture, target, { recursive: true });
  return target;
}

// The suite's passes: what each opens and how it is trusted. The tests' tags (test/integration/index.ts)
// pick the tests, from what the extension host sees: trust, and whether a .code-workspace is open.
const SUITE_PASSES = {
  trusted: { phase: 'suite', trust: 'trusted', open: (ctx) => ({ folder: copyFixture(ctx.options.fixture, ctx.scratch) }) },
  untrusted: { phase: 'suite-untrusted', trust: 'untrusted', open: (ctx) => ({ folder: copyFixture(ctx.options.fixture, ctx.scratch) }) },
  // The same trusted suite again with the portable engine: code-server's extension host is Node 24, so
  // the default ("auto") pass above runs the native engine.
  sqljs: {
    phase: 'suite-sqljs',
    trust: 'trusted',
    settings: { 'sqliteMigrations.engine': 'sqljs' },
    open: (ctx) => ({ folder: copyFixture(ctx.options.fixture, ctx.scratch) }),
  },
  multiroot: {
    phase: 'suite-multiroot',
    trust: 'trusted',
    open: (ctx) => ({ workspace: multirootWorkspaceFile(copyFixture(ctx.options.multirootFixture, ctx.scratch)) }),
  },
};

/** The one .code-workspace file at the top of a multi-root fixture; its folder paths are relative to it. */
function multirootWorkspaceFile(copy) {
  const files = fs.readdirSync(copy).filter((name) => name.endsWith('.code-workspace'));
  if (files.length !== 1) throw new Error(`expected one .code-workspace file in the multi-root fixture, found ${files.length}`);
  return path.join(copy, files[0]);
}

/** Starts a code-server for one phase, runs `body(server)`, and always stops it; keeps its log. */
async function withServer(ctx, phase, trust, body, settings = {}, serverOptions = {}) {
  const output = [];
  const server = await startServer({
    userSettings: { ...TRUST_SETTINGS[trust], ...settings },
    onOutput: (text) => output.push(text),
    ...serverOptions,
  });
  ctx.onCleanup(server.stop);
  try {
    return await body(server, output);
  } finally {
    await server.stop();
    fs.writeFileSync(path.join(ctx.artifacts, `code-server-${phase}.log`), output.join(''));
  }
}

function saveWorkbenchLogs(logs, dir) {
  for (const { relativePath, contents } of logs) {
    const file = path.join(dir, 'workbench-logs', relativePath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contents);
  }
}

function printSuiteOutput(level, text) {
  if (level === 'error' || level === 'err') process.stderr.write(`${text}\n`);
  else process.stdout.write(`${text}\n`);
}

/** The counts from a suite's summary line, e.g. "integration: 3 passed, 0 failed, 1 skipped". */
function parseCounts(summary) {
  const match = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(summary ?? '');
  if (!match) return undefined;
  return { passed: Number(match[1]), failed: Number(match[2]), skipped: Number(match[3] ?? 0) };
}

function reportBrokenRun(consoleLines, serverOutput) {
  console.error('[test host] the suite did not report a result; the workbench console ended with:');
  console.error(consoleLines.slice(-80).join('\n'));
  console.error(`[test host] code-server's log ended with:\n${serverOutput.join('').slice(-6000)}`);
}

/**
 * The mocha suite (out/test/integration) in the extension host, for one pass of SUITE_PASSES
 * ('trusted', 'sqljs', 'untrusted' or 'multiroot'). Resolves with its exit code and its counts (undefined when
 * it never reported them).
 */
function runSuite(ctx, pass) {
  const { phase, trust, open, settings } = SUITE_PASSES[pass];
  return withServer(ctx, phase, trust, async (server, serverOutput) => {
    const page = await newPage(ctx.browser);
    const output = watchConsole(page, printSuiteOutput);
    const url = server.url({ ...open(ctx), extensionDevelopmentPath: REPO_ROOT, extensionTestsPath: TESTS_ENTRY });
    let code = 1;
    try {
      const result = await runExtensionTests(page, url, ctx.remainingMs());
      code = result.code;
      saveWorkbenchLogs(result.logs, path.join(ctx.artifacts, phase));
    } catch (err) {
      console.error(`[test host] ${err.message}`);
    }
    await output.settle();
    await page.screenshot({ path: path.join(ctx.artifacts, `${phase}-end.png`) }).catch(() => {});
    fs.writeFileSync(path.join(ctx.artifacts, `${phase}-console.log`), output.lines.join('\n'));
    if (code !== 0 && output.summary() === undefined) reportBrokenRun(output.lines, serverOutput);
    await page.context().close();
    return { code, counts: parseCounts(output.summary()) };
  }, settings);
}

/** `--ui` arguments: a file, or a folder whose `*.ui.js` files run in name order. */
function uiModules(paths) {
  return paths.flatMap((entry) => {
    if (!fs.statSync(entry).isDirectory()) return [entry];
    return fs
      .readdirSync(entry)
      .filter((name) => name.endsWith('.ui.js'))
      .sort()
      .map((name) => path.join(entry, name));
  });
}

/**
 * Runs one UI module against a freshly opened workbench (trusted workspace, extension linked from the
 * repo, no smoke-test driver: notifications show as a user sees them). The module exports `async (ctx) => void` (or `run`) and throws to fail, e.g. with
 * node:assert. Its ctx: { page, workspace, port, origin, url, repoRoot, screenshot(label) => path }.
 */
async function runUiModule(ctx, server, file) {
  const name = path.basename(file, '.js');
  const workspace = copyFixture(ctx.options.fixture, ctx.scratch);
  const url = server.url({ folder: workspace });
  const page = await newPage(ctx.browser);
  const screenshot = async (label) => {
    const shot = path.join(ctx.artifacts, `${name}-${label}.png`);
    await page.screenshot({ path: shot });
    return shot;
  };
  try {
    await openWorkbench(page, url);
    const exported = require(file);
    const test = typeof exported === 'function' ? exported : exported.run;
    const uiCtx = { page, workspace, port: server.port, origin: server.origin, url, repoRoot: REPO_ROOT, screenshot };
    await withTimeout(test(uiCtx), ctx.remainingMs(), `UI test ${name}`);
    console.log(`  ✔ ${name}`);
    return true;
  } catch (err) {
    console.error(`  ✘ ${name}: ${err.stack ?? err.message}`);
    await screenshot('failure').catch(() => {});
    return false;
  } finally {
    await page.context().close();
  }
}

/**
 * VS Code for the web saves an edited file a second after the last keystroke by default, and the UI tests check
 * that what they typed is still unsaved. A workspace settings file written once the workbench is open is read
 * only when its file watcher reports the change, which on a loaded machine came after the save (CI: "the editor
 * should still hold unsaved text"); user settings written before the server starts are read before any editor opens.
 */
const UI_SETTINGS = { 'files.autoSave': 'off' };

/** Every UI module in turn on one server; resolves with an exit code (0 when all pass) and the counts. */
function runUiTests(ctx) {
  const files = uiModules(ctx.options.ui);
  return withServer(ctx, 'ui', 'trusted', async (server) => {
    console.log(`UI tests: ${files.length} module(s)`);
    let passed = 0;
    for (const file of files) if (await runUiModule(ctx, server, file)) passed++;
    const counts = { passed, failed: files.length - passed, skipped: 0 };
    console.log(`ui: ${counts.passed} passed, ${counts.failed} failed`);
    return { code: counts.failed === 0 ? 0 : 1, counts };
  }, UI_SETTINGS, { smokeTestDriver: false, installExtension: REPO_ROOT });
}

module.exports = { runSuite, runUiTests };
