'use strict';
// The breakdown of one `up` on a large database (see ./spans.js for how it is measured).
const fs = require('fs');
const path = require('path');
const { baseDatabase } = require('./databases');
const { discoveryWorkspace } = require('./hotpaths');
const { writeMigrations } = require('./migrations');
const { freshDir, log, sh } = require('./util');
const { profileUp, profileWorkerTask } = require('./spans');

const TASK_ORDER = ['sql.js open', 'sql.js PRAGMA integrity_check', 'sql.js PRAGMA foreign_key_check', 'migrations (runPlan)', 'sql.js export'];
const TOP = ['discover + checksum migrations', 'sweep stale temps', 'readDatabaseFile', 'worker thread (total)', 'createBackup', 'replaceDatabaseFile'];

/** Loading sql.js (reading + compiling the wasm) in a fresh process: what each worker pays once. */
function coldSqlJsLoadMs(out) {
  const code = `const t=performance.now();require(${JSON.stringify(path.join(out, 'src', 'core', 'engine', 'sqljs', 'load.js'))}).loadSqlJs().then(()=>console.log(performance.now()-t))`;
  return Number(sh(process.execPath, ['-e', code]).stdout.trim());
}

function order(rows, top) {
  const rank = (key) => {
    const i = top.indexOf(key.split(' > ')[0]);
    return i === -1 ? top.length : i;
  };
  return [...rows].sort((a, b) => rank(a.key) - rank(b.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function runProfile(ctx, { sizeMB, count, workload }) {
  const base = baseDatabase(ctx.workDir, sizeMB);
  const migDir = freshDir(path.join(ctx.workDir, 'migrations', `profile-${workload}-${count}`));
  writeMigrations(migDir, count, workload);
  const dir = freshDir(path.join(ctx.workDir, 'profile'));
  const db = path.join(dir, 'app.db');
  fs.copyFileSync(base.file, db);
  log(`profiling one up (${count} ${workload} migrations, ${sizeMB} MB) through the engine ...`);
  const up = await profileUp(ctx.out, db, migDir, path.join(dir, 'backups'));
  fs.copyFileSync(base.file, db);
  log('profiling the worker task in this thread ...');
  const task = await profileWorkerTask(ctx.out, db, migDir);
  fs.copyFileSync(base.file, db);
  log('what-if: the worker task without the per-migration checks ...');
  const whatIf = await profileWorkerTask(ctx.out, db, migDir, { whatIf: true });
  const small = discoveryWorkspace(ctx.workDir, 1000);
  const empty = baseDatabase(ctx.workDir, 0);
  log('what-if: 1,000 small migrations without the per-migration checks ...');
  const whatIfSmall = await profileWorkerTask(ctx.out, empty.file, small.dir, { whatIf: true });
  const sqlJsLoadMs = coldSqlJsLoadMs(ctx.out);
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    sizeMB,
    count,
    workload,
    dbMB: base.bytes / 1048576,
    up: { totalMs: up.total, rows: order(up.rows, TOP) },
    task: { totalMs: task.total, rows: order(task.rows, TASK_ORDER) },
    whatIf: { totalMs: whatIf.total, rows: order(whatIf.rows, TASK_ORDER) },
    whatIfSmall: { totalMs: whatIfSmall.total, count: whatIfSmall.migrations },
    sqlJsLoadMs,
  };
}

module.exports = { runProfile };
