'use strict';
// Where an `up` spends its time, measured on the real code path: the compiled core modules are
// wrapped at their exports (calls between modules go through them) and the leaves (sha256, file
// reads/writes, fsync, sql.js open/exec/export) are timed under the span that called them.
// Part 1 runs engine.migrateUp as the CLI does (worker included); part 2 runs the worker's task
// in this thread, so the sql.js work inside the worker can be split up the same way.
const crypto = require('crypto');
const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');
const { performance } = require('perf_hooks');

class Recorder {
  constructor() {
    this.stack = [];
    this.rows = new Map();
  }
  add(leaf, ms, bytes = 0) {
    const key = [...this.stack, leaf].join(' > ');
    const row = this.rows.get(key) ?? { key, ms: 0, calls: 0, bytes: 0 };
    row.ms += ms;
    row.calls++;
    row.bytes += bytes;
    this.rows.set(key, row);
  }
  wrap(obj, name, label, { sync = false } = {}) {
    const original = obj[name];
    const self = this;
    obj[name] = sync
      ? function (...args) {
          self.stack.push(label);
          const t = performance.now();
          try {
            return original.apply(this, args);
          } finally {
            self.stack.pop();
            self.add(label, performance.now() - t);
          }
        }
      : async function (...args) {
          self.stack.push(label);
          const t = performance.now();
          try {
            return await original.apply(this, args);
          } finally {
            self.stack.pop();
            self.add(label, performance.now() - t);
          }
        };
    return () => (obj[name] = original);
  }
  /** Time a leaf that may be called from anywhere; `measure(args, result)` gives the bytes. */
  leaf(obj, name, label, measure = () => 0) {
    const original = obj[name];
    const self = this;
    obj[name] = function (...args) {
      const t = performance.now();
      const result = original.apply(this, args);
      if (result && typeof result.then === 'function') {
        return result.then((r) => (self.add(label, performance.now() - t, measure(args, r)), r));
      }
      self.add(label, performance.now() - t, measure(args, result));
      return result;
    };
    return () => (obj[name] = original);
  }
  table() {
    return [...this.rows.values()];
  }
}

function sqlLabel(sql) {
  const s = String(sql).trim().replace(/\s+/g, ' ');
  if (/^PRAGMA integrity_check/i.test(s)) return 'sql.js PRAGMA integrity_check';
  if (/^PRAGMA quick_check/i.test(s)) return 'sql.js PRAGMA quick_check';
  if (/^PRAGMA foreign_key_check/i.test(s)) return 'sql.js PRAGMA foreign_key_check';
  if (/pragma_foreign_key_check/i.test(s)) return 'sql.js foreign_key_check(table)';
  if (/pragma_foreign_key_list/i.test(s) && /NOT EXISTS/i.test(s)) return 'sql.js dangling-reference query';
  if (/pragma_foreign_key_list/i.test(s)) return 'sql.js foreign-key list query';
  if (/FROM main\.sqlite_master/i.test(s)) return 'sql.js sqlite_master query';
  return null;
}

/** Leaf timers on sha256, file handles and sql.js; returns a function that removes them. */
function instrumentLeaves(rec, SQL) {
  const undo = [];
  const origCreateHash = crypto.createHash;
  crypto.createHash = function (alg, ...rest) {
    const hash = origCreateHash.call(this, alg, ...rest);
    const update = hash.update;
    hash.update = function (data, enc) {
      const t = performance.now();
      const r = update.call(this, data, enc);
      rec.add(`${alg} hash`, performance.now() - t, typeof data === 'string' ? Buffer.byteLength(data, enc) : data.byteLength);
      return r;
    };
    return hash;
  };
  undo.push(() => (crypto.createHash = origCreateHash));
  return (async () => {
    const probe = await fsp.open(__filename, 'r');
    const proto = Object.getPrototypeOf(probe);
    await probe.close();
    undo.push(rec.leaf(proto, 'read', 'file read', (_a, r) => r.bytesRead));
    undo.push(rec.leaf(proto, 'readFile', 'file read', (_a, r) => r.length));
    undo.push(rec.leaf(proto, 'writeFile', 'file write', (a) => a[0].byteLength ?? 0));
    undo.push(rec.leaf(proto, 'sync', 'fsync'));
    undo.push(rec.leaf(fsp, 'readFile', 'file read', (_a, r) => r.length));
    if (SQL) undo.push(...instrumentSqlJs(rec, SQL));
    return () => undo.reverse().forEach((f) => f());
  })();
}

/** Times the SQL that goes through the engine seam (SqlJsConnection's exec and all), by kind of statement. */
function instrumentSqlJs(rec, SQL) {
  const conn = connectionPrototype();
  const wrapped = ['exec', 'all'].map((name) => {
    const original = conn[name];
    conn[name] = function (sql, params) {
      const label = sqlLabel(sql);
      if (!label) return original.call(this, sql, params);
      const t = performance.now();
      try {
        return original.call(this, sql, params);
      } finally {
        rec.add(label, performance.now() - t);
      }
    };
    return () => (conn[name] = original);
  });
  const undoExport = rec.leaf(SQL.Database.prototype, 'export', 'sql.js export', (_a, r) => r.byteLength);
  return [...wrapped, undoExport];
}

let compiledOut;
function connectionPrototype() {
  return require(path.join(compiledOut, 'src', 'core', 'engine', 'sqljs', 'connection')).SqlJsConnection.prototype;
}

/** SQL with a Database whose constructor (copying the bytes into the wasm heap and opening them) is timed. */
function timedSql(rec, SQL) {
  class Database extends SQL.Database {
    constructor(bytes) {
      const t = performance.now();
      super(bytes);
      rec.add('sql.js open', performance.now() - t, bytes ? bytes.byteLength : 0);
    }
  }
  return { ...SQL, Database };
}

async function profileUp(out, dbPath, migDir, backupsFolder) {
  compiledOut = out;
  const core = (m) => require(path.join(out, 'src', 'core', m));
  const [engine, catalog, dbfile, backups, workerClient, sqljs, configMod] = ['engine', 'migrations/catalog', 'engine/sqljs/dbfile', 'engine/sqljs/backups', 'engine/sqljs/workerClient', 'engine/sqljs/load', 'config'].map(core);
  const rec = new Recorder();
  const SQL = await sqljs.loadSqlJs(); // the CLI's first backup loads it too; timed separately below
  const undoLeaves = await instrumentLeaves(rec, SQL);
  const undo = [
    rec.wrap(catalog, 'discoverMigrations', 'discover + checksum migrations'),
    rec.wrap(dbfile, 'readDatabaseFile', 'readDatabaseFile'),
    rec.wrap(dbfile, 'sweepStaleTemps', 'sweep stale temps'),
    rec.wrap(workerClient, 'runInWorker', 'worker thread (total)'),
    rec.wrap(backups, 'createBackup', 'createBackup'),
    rec.wrap(dbfile, 'replaceDatabaseFile', 'replaceDatabaseFile'),
  ];
  const loadSqlJs = sqljs.loadSqlJs;
  sqljs.loadSqlJs = async () => timedSql(rec, SQL);
  undo.push(() => (sqljs.loadSqlJs = loadSqlJs));
  const config = configMod.resolveConfig(path.dirname(dbPath), { databaseFile: dbPath, migrationsFolder: migDir, backupsFolder, timeLimitSeconds: 7200, engine: 'sqljs' });
  const t = performance.now();
  const result = await engine.migrateUp(config, {}, {});
  const total = performance.now() - t;
  undo.forEach((f) => f());
  undoLeaves();
  if (!result.ok) throw new Error(`profiled up failed: ${JSON.stringify(result.error).slice(0, 500)}`);
  return { total, rows: rec.table(), migrations: result.value.outcomes.length };
}

/**
 * What-if, for sizing the proposals only: the per-migration foreign_key_check and dangling-reference
 * query answer "nothing found" without running. The checks before and after the batch still run.
 */
function skipPerMigrationChecks(rec, SQL, integrity) {
  const inPlan = () => rec.stack.includes('migrations (runPlan)');
  const violations = integrity.foreignKeyViolations;
  integrity.foreignKeyViolations = (db, ...rest) => (inPlan() ? [] : violations(db, ...rest));
  const proto = connectionPrototype();
  const all = proto.all;
  proto.all = function (sql, params) {
    return inPlan() && /pragma_foreign_key_list/i.test(String(sql)) ? [] : all.call(this, sql, params);
  };
  return () => {
    integrity.foreignKeyViolations = violations;
    proto.all = all;
  };
}

async function profileWorkerTask(out, dbPath, migDir, { whatIf = false } = {}) {
  compiledOut = out;
  const core = (m) => require(path.join(out, 'src', 'core', m));
  const [catalog, tasks, runner, sqljs, integrity, sqljsTask] = ['migrations/catalog', 'run/tasks', 'run/runner', 'engine/sqljs/load', 'run/integrity', 'engine/sqljs/task'].map(core);
  const rec = new Recorder();
  let t = performance.now();
  const SQL = await sqljs.loadSqlJs();
  const loadMs = performance.now() - t; // usually cached by profileUp already; the cold number is measured in a fresh process
  const { migrations } = await catalog.discoverMigrations(migDir);
  const bytes = new Uint8Array(fs.readFileSync(dbPath));
  const undoLeaves = await instrumentLeaves(rec, SQL);
  const undoPlan = rec.wrap(runner, 'runPlan', `migrations (runPlan)`, { sync: true });
  const undoSkip = whatIf ? skipPerMigrationChecks(rec, SQL, integrity) : () => undefined;
  t = performance.now();
  const task = new sqljsTask.SqlJsTask(timedSql(rec, SQL), bytes);
  const reply = await tasks.runTask(task, { task: { kind: 'up', options: {} }, migrations, nowMs: Date.now() });
  task.close();
  const total = performance.now() - t;
  undoSkip();
  undoPlan();
  undoLeaves();
  if (!reply.ok) throw new Error(`in-thread task failed: ${reply.error.message}`);
  return { total, loadMs, rows: rec.table(), migrations: reply.value.outcomes.length };
}

module.exports = { profileUp, profileWorkerTask };
