#!/usr/bin/env node
// Starts VS Code in the browser (code-server) on a workspace with the extension loaded from this
// repository, prints the URL, and runs until Ctrl-C. No test runs and no browser is started.
//
//   node test/host/serve.js [workspace] [--in-place] [--port <n>] [--untrusted] [--verbose] [--no-install]
//
// The workspace (default test/fixtures/workspace) is copied to a temp folder unless --in-place.
// Needs a built extension (npm run build). Listens on 127.0.0.1 only, without authentication.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { ensureHost } = require('./install');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function parseArgs(argv) {
  const options = { workspace: path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), inPlace: false, install: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--in-place') options.inPlace = true;
    else if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--untrusted') options.untrusted = true;
    else if (arg === '--verbose') options.verbose = true;
    else if (arg === '--no-install') options.install = false;
    else if (!arg.startsWith('--')) options.workspace = path.resolve(arg);
    else throw new Error(`unknown option ${arg}`);
  }
  if (!fs.existsSync(options.workspace)) throw new Error(`workspace ${options.workspace} does not exist`);
  return options;
}

function prepareWorkspace(options) {
  if (options.inPlace) return { folder: options.workspace, remove: () => {} };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-migrations-demo-'));
  const folder = path.join(scratch, path.basename(options.workspace));
  fs.cpSync(options.workspace, folder, { recursive: true });
  return { folder, remove: () => fs.rmSync(scratch, { recursive: true, force: true }) };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.install) ensureHost();
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run "npm run build" first');
  const { startServer } = require('./server');
  const workspace = prepareWorkspace(options);
  const server = await startServer({
    port: options.port,
    userSettings: { 'security.workspace.trust.enabled': Boolean(options.untrusted) },
    // VS Code as a user gets it: no smoke-test driver (it hides every notification), the extension installed.
    smokeTestDriver: false,
    installExtension: REPO_ROOT,
    onOutput: options.verbose ? (text) => process.stdout.write(text) : undefined,
  });
  const stop = async () => {
    await server.stop();
    workspace.remove();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`Workspace: ${workspace.folder}${options.inPlace ? '' : ' (a copy; removed on exit)'}`);
  console.log(`Open in a browser: ${server.url({ folder: workspace.folder })}`);
  console.log('Press Ctrl-C to stop.');
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
