#!/usr/bin/env node
// Checks the packaged extension (run after `npm run package`): the .vsix holds exactly the files that
// should ship, code-server installs it, the CLI inside the installed copy migrates a database, and the
// installed extension (not the repo's development copy) applies a migration from the command palette.
//
//   node test/package/check-vsix.js [file.vsix] [--no-install]
//
// The .vsix defaults to sqlite-migrations.vsix at the repo root. Like the integration runner, it first
// installs the test host (code-server, chromium) when missing, unless --no-install.
// Ends with `package: N passed, N failed`; exits non-zero when any check fails.
// Screenshots and, on failure, code-server's log go to test-artifacts/package/.
'use strict';

const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ensureHost } = require('../host/install');
const contents = require('./contents');
const { installVsix } = require('./install');
const { copyFixture, assertMigrated } = require('./migrated');
const { readZip } = require('./zip');

const { REPO_ROOT } = contents;
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'package');

function formatSize(bytes) {
  return `${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB)`;
}

function printListing(vsix, entries) {
  const unpacked = entries.reduce((sum, entry) => sum + entry.size, 0);
  console.log(`${path.relative(process.cwd(), vsix) || vsix}: ${formatSize(fs.statSync(vsix).size)}, ${entries.length} entries, ${formatSize(unpacked)} unpacked`);
  for (const entry of entries) console.log(`  ${String(entry.size).padStart(9)}  ${entry.name}`);
}

function runInstalledCli(folder, args) {
  const result = spawnSync(process.execPath, [path.join(folder, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** What the package holds, checked without installing it. */
function contentChecks(byName) {
  return [
    ['the .vsix holds exactly the allowed files', () => {
      const names = [...byName.keys()];
      contents.assertNothingForbidden(names);
      assert.deepEqual(contents.compareEntries(names), { missing: [], unexpected: [] });
    }],
    ['its package.json, icon and media agree', () => contents.assertManifest(byName)],
    ['its bundles are production builds that need no node_modules', () => contents.assertSelfContainedBundles(byName)],
    ['its wasm and templates are the repo\'s bytes', () => contents.assertCopiedBytes(byName)],
  ];
}

/** The package installed and at work; the CLI checks use the folder the install check leaves. */
function installedChecks(vsix, manifest, scratch) {
  let installed;
  const needInstalled = () => assert.ok(installed, 'skipped: the extension did not install');
  return [
    ['code-server --install-extension installs it', () => {
      installed = installVsix(vsix, path.join(scratch, 'extensions'), manifest);
    }],
    ['the installed CLI reports the package version', () => {
      needInstalled();
      const { code, output } = runInstalledCli(installed, ['--version']);
      assert.equal(code, 0, output);
      assert.equal(output.trim(), manifest.version, 'cli.js --version');
    }],
    ['the installed CLI applies a migration', async () => {
      needInstalled();
      const workspace = copyFixture(scratch, 'cli-workspace');
      const { code, output } = runInstalledCli(installed, ['up', '--root', workspace]);
      assert.equal(code, 0, `cli.js up exited with ${code}:\n${output}`);
      await assertMigrated(workspace);
    }],
    ['the installed extension applies a migration from the command palette', async () => {
      const workspace = copyFixture(scratch, 'workbench-workspace');
      const { applyWithInstalledExtension } = require('./workbench'); // loads playwright: only once the host is there
      await applyWithInstalledExtension({ vsix, manifest, workspace, artifacts: ARTIFACTS });
      await assertMigrated(workspace);
    }],
  ];
}

/** Runs each check, printing ✔ or ✘; a failure does not stop the ones after it. */
async function runChecks(list, counts) {
  for (const [title, check] of list) {
    try {
      await check();
      counts.passed++;
      console.log(`  ✔ ${title}`);
    } catch (err) {
      counts.failed++;
      console.error(`  ✘ ${title}: ${err instanceof assert.AssertionError ? err.message : (err.stack ?? err.message)}`);
    }
  }
}

async function main() {
  const args = process.argv.slice(2);
  const vsix = path.resolve(args.find((arg) => !arg.startsWith('--')) ?? path.join(REPO_ROOT, 'sqlite-migrations.vsix'));
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist: run "npm run package" first`);
  if (!args.includes('--no-install')) ensureHost();
  const entries = readZip(fs.readFileSync(vsix));
  printListing(vsix, entries);
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  assert.ok(byName.has('extension/package.json'), `${vsix} has no extension/package.json: not a VS Code extension package`);
  const manifest = JSON.parse(byName.get('extension/package.json').read().toString('utf8'));
  fs.rmSync(ARTIFACTS, { recursive: true, force: true }); // a stale failure screenshot would mislead
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-migrations-vsix-'));
  const counts = { passed: 0, failed: 0 };
  try {
    await runChecks(contentChecks(byName), counts);
    await runChecks(installedChecks(vsix, manifest, scratch), counts);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`package: ${counts.passed} passed, ${counts.failed} failed`);
  return counts.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err.message);
    console.log('package: 0 passed, 1 failed');
    process.exit(1);
  },
);
