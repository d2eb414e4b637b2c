// Makes sure the test host is installed: Debian's chromium (the browser), libkrb5-dev (needed to
// build one of code-server's native modules) and sqlite3 (the unit tests hold databases open with it),
// then this folder's own node_modules from its lockfile.
// CI starts from a clean clone, so this runs before every integration run and is a no-op when warm.
'use strict';

const { execFileSync, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const HOST_DIR = __dirname;
const LOCKFILE = path.join(HOST_DIR, 'package-lock.json');
const STAMP = path.join(HOST_DIR, 'node_modules', '.host-install-stamp');
const CHROMIUM = '/usr/bin/chromium';
const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'sqlite3'];

function log(message) {
  console.log(`[test host] ${message}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

/** apt's own output only when it fails: a warm run prints nothing, a cold one a line or two. */
function runQuiet(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

function missingAptPackages() {
  return APT_PACKAGES.filter((name) => {
    try {
      const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { stdio: ['ignore', 'pipe', 'ignore'] });
      return !status.toString().includes('install ok installed');
    } catch {
      return true;
    }
  });
}

function ensureSystemPackages() {
  const missing = missingAptPackages();
  if (missing.length === 0 && fs.existsSync(CHROMIUM)) return;
  if (process.getuid && process.getuid() !== 0) {
    throw new Error(`missing Debian packages ${missing.join(', ')}: run "apt-get install -y ${APT_PACKAGES.join(' ')}" as root`);
  }
  log(`installing ${missing.join(', ')} with apt-get (nothing else is upgraded)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runQuiet('apt-get', ['update', '-qq'], { env });
  // --no-upgrade: packages already installed stay as they are; only what is missing (and what it needs) comes in.
  runQuiet('apt-get', ['install', '-y', '-qq', '--no-upgrade', ...missing], { env });
}

/** What the installed node_modules were built from: the lockfile and the Node that built the native modules. */
function wantedStamp() {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(LOCKFILE)).digest('hex');
  return `${hash} node-${process.versions.node.split('.')[0]} ${process.platform}-${process.arch}\n`;
}

function installedStamp() {
  try {
    return fs.readFileSync(STAMP, 'utf8');
  } catch {
    return '';
  }
}

function ensureNodeModules() {
  const wanted = wantedStamp();
  if (installedStamp() === wanted) return;
  log('installing code-server, Node 24 and playwright-core in test/host (npm ci, about 1.5 minutes)');
  // code-server's postinstall refuses any Node but 24 unless told which major builds its native modules.
  const env = { ...process.env, FORCE_NODE_VERSION: process.versions.node.split('.')[0] };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, ['ci', '--no-audit', '--no-fund'], { cwd: HOST_DIR, env });
  fs.writeFileSync(STAMP, wanted);
}

/** Installs whatever is missing; fast when everything is already there. */
function ensureHost() {
  ensureSystemPackages();
  ensureNodeModules();
}

module.exports = { ensureHost, CHROMIUM };

if (require.main === module) {
  try {
    ensureHost();
    log('ready');
  } catch (err) {
    console.error(`[test host] ${err.message}`);
    process.exit(1);
  }
}
