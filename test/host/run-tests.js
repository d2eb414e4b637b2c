#!/usr/bin/env node
// Runs the integration suite (test/integration, compiled to out/) inside a real VS Code: code-server
// on Node 24, driven by headless chromium. Then, optionally, browser-level UI tests against the workbench.
//
//   node test/host/run-tests.js [fixture-folder] [--ui <file-or-folder>]... [--grep <text>]
//                               [--artifacts] [--timeout <seconds>] [--no-install]
//
// The suite runs in a trusted copy of the fixture, twice: with the default engine (native, as the host is
// Node 24) and with sqliteMigrations.engine set to "sqljs"; when a compiled test's title carries "@untrusted",
// a second run opens another copy in Restricted Mode and runs just those tests; when one carries
// "@multiroot", a third opens a copy of test/fixtures/multiroot through its .code-workspace file
// (several folders, trusted) and runs just those.
// Exits non-zero when any test fails, a run times out or the host itself breaks.
// --artifacts (or TEST_ARTIFACTS=1) keeps screenshots, the workbench console and code-server's logs
// in test-artifacts/integration/. --grep (or INTEGRATION_GREP) runs only the tests whose title matches.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { ensureHost } = require('./install');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const OUT_DIR = path.join(REPO_ROOT, 'out', 'test', 'integration');
const BUILT_FILES = [path.join(REPO_ROOT, 'dist', 'extension.js'), path.join(OUT_DIR, 'index.js')];
// As in test/integration/index.ts, which picks each pass's tests by the same strings.
const UNTRUSTED_TAG = '@untrusted';
const MULTIROOT_TAG = '@multiroot';

function log(message) {
  console.log(`[test host] ${message}`);
}

function parseArgs(argv) {
  const options = {
    fixture: path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'),
    multirootFixture: path.join(REPO_ROOT, 'test', 'fixtures', 'multiroot'),
    ui: [],
    artifacts: ['1', 'true'].includes(process.env.TEST_ARTIFACTS ?? ''),
    timeoutMs: 10 * 60_000,
    install: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--ui') options.ui.push(path.resolve(argv[++i]));
    else if (arg === '--grep') process.env.INTEGRATION_GREP = argv[++i]; // code-server passes it on to the extension host
    else if (arg === '--artifacts') options.artifacts = true;
    else if (arg === '--timeout') options.timeoutMs = Number(argv[++i]) * 1000;
    else if (arg === '--no-install') options.install = false;
    else if (!arg.startsWith('--')) options.fixture = path.resolve(arg);
    else throw new Error(`unknown option ${arg}`);
  }
  if (!(options.timeoutMs > 0)) throw new Error('--timeout wants a number of seconds');
  if (!fs.existsSync(options.fixture)) throw new Error(`fixture folder ${options.fixture} does not exist`);
  return options;
}

function checkBuilt() {
  const missing = BUILT_FILES.filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} missing: run "npm run build && npm run compile-tests" first`);
  }
}

/** Whether any compiled test asks for the kind of workspace `tag` names (saves a VS Code start when none does). */
function hasTaggedTests(tag) {
  return fs
    .readdirSync(OUT_DIR, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .some((name) => fs.readFileSync(path.join(OUT_DIR, name), 'utf8').includes(tag));
}

function prepareArtifacts(keep, scratch) {
  const dir = keep ? path.join(REPO_ROOT, 'test-artifacts', 'integration') : path.join(scratch, 'artifacts');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Everything that must end however the run ends: servers, the browser, the scratch folder. */
function cleanupList() {
  const tasks = [];
  const runAll = async () => {
    for (const task of tasks.splice(0).reverse()) await task().catch(() => {});
  };
  return { add: (task) => tasks.push(task), runAll };
}

async function runPhases(options) {
  const { runSuite, runUiTests } = require('./phases');
  const { launchBrowser } = require('./browser');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-migrations-it-'));
  const cleanup = cleanupList();
  cleanup.add(async () => fs.rmSync(scratch, { recursive: true, force: true }));
  const abort = (code, why) => {
    if (why) console.error(`[test host] ${why}`);
    cleanup.runAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort(130));
  process.once('SIGTERM', () => abort(143));
  process.once('unhandledRejection', (err) => abort(1, `host failure: ${err?.stack ?? err}`));
  // Last resort when something hangs outside the phases' own time limits (a browser or server that will not stop).
  setTimeout(() => abort(1, 'the run overran its time limit; stopping'), options.timeoutMs + 60_000).unref();
  try {
    const artifacts = prepareArtifacts(options.artifacts, scratch);
    const browser = await launchBrowser();
    cleanup.add(() => browser.close());
    const deadline = Date.now() + options.timeoutMs;
    const remainingMs = () => deadline - Date.now();
    const ctx = { browser, options, artifacts, scratch, remainingMs, onCleanup: cleanup.add };
    const phases = [() => runSuite(ctx, 'trusted'), () => runSuite(ctx, 'sqljs')];
    if (hasTaggedTests(UNTRUSTED_TAG)) phases.push(() => runSuite(ctx, 'untrusted'));
    if (hasTaggedTests(MULTIROOT_TAG)) phases.push(() => runSuite(ctx, 'multiroot'));
    if (options.ui.length > 0) phases.push(() => runUiTests(ctx));
    const results = [];
    for (const phase of phases) {
      if (remainingMs() < 5000) {
        log('out of time: the remaining runs are skipped');
        results.push({ code: 1, counts: undefined });
        break;
      }
      results.push(await phase());
    }
    if (options.artifacts) log(`artifacts in ${path.relative(REPO_ROOT, artifacts)}/`);
    return results;
  } finally {
    await cleanup.runAll();
  }
}

/** One closing line over every phase, for CI; none when a phase never reported its counts. */
function printTotal(results) {
  if (results.some((result) => result.counts === undefined)) {
    log('no total: a run ended without reporting its results');
    return;
  }
  const sum = (key) => results.reduce((total, result) => total + result.counts[key], 0);
  console.log(`integration-total: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.install) ensureHost();
  checkBuilt();
  const started = Date.now();
  const results = await runPhases(options);
  const code = results.map((result) => result.code).find((c) => c !== 0) ?? 0;
  log(`finished with exit code ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  printTotal(results);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[test host] ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
