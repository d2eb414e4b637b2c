'use strict';
// The extension's own hot paths, in plain Node: discovery + checksums of 1,000 and 10,000 files
// (no cache, then a warm ChecksumCache), activation (the bundle with the vscode stub), the tree for
// 1,000 migrations, and a status refresh (what the tree shows after every file or database change).
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const { nativeScript } = require('./native');
const { baseDatabase } = require('./databases');
const { writeMigrations } = require('./migrations');
const { log, median, sh, sha256 } = require('./util');
const { timeLint } = require('./lint');

/** A folder of `count` small up/down pairs (a table, a foreign key, an index each), modified an hour ago. */
function discoveryWorkspace(workDir, count) {
  const root = path.join(workDir, 'discovery', String(count));
  const dir = path.join(root, 'migrations');
  const marker = path.join(root, '.complete');
  const migrations = [];
  const width = Math.max(5, String(count).length);
  for (let i = 1; i <= count; i++) {
    const version = String(i).padStart(width, '0');
    const name = `${version}_create_table_${i}`;
    const up = `-- description: Create table ${i}\nCREATE TABLE t_${i} (\n    id INTEGER PRIMARY KEY,\n    parent_id INTEGER REFERENCES t_${Math.max(1, i - 1)}(id),\n    name TEXT NOT NULL,\n    created_at TEXT NOT NULL\n);\nCREATE INDEX idx_t_${i}_name ON t_${i}(name);\n`;
    migrations.push({ version, name, description: `Create table ${i}`, up, down: `DROP TABLE t_${i};\n`, checksum: sha256(up) });
  }
  if (!fs.existsSync(marker)) {
    log(`writing ${count} migration pairs for the discovery benchmark ...`);
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    // An hour old: files modified within ChecksumCache.RACY_WINDOW_MS are never cached, by design.
    const old = new Date(Date.now() - 3600 * 1000);
    for (const m of migrations) {
      for (const [file, text] of [[`${m.name}.sql`, m.up], [`${m.name}.down.sql`, m.down]]) {
        fs.writeFileSync(path.join(dir, file), text);
        fs.utimesSync(path.join(dir, file), old, old);
      }
    }
    fs.writeFileSync(marker, '');
  }
  return { root, dir, migrations };
}

async function timeDiscovery(out, dir, reps) {
  const { discoverMigrations, ChecksumCache } = require(path.join(out, 'src', 'core', 'migrations', 'catalog.js'));
  await discoverMigrations(dir); // JIT warm-up; not counted
  const cold = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const catalog = await discoverMigrations(dir, new ChecksumCache());
    cold.push(performance.now() - t);
    if (catalog.problems.some((p) => p.severity === 'error')) throw new Error(`discovery found errors: ${catalog.problems[0].message}`);
  }
  const cache = new ChecksumCache();
  await discoverMigrations(dir, cache);
  const before = { ...cache.stats };
  const warm = [];
  let found = 0;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    found = (await discoverMigrations(dir, cache)).migrations.length;
    warm.push(performance.now() - t);
  }
  const reads = cache.stats.reads - before.reads;
  return { coldMs: median(cold), warmMs: median(warm), found, warmReads: reads, warmHits: cache.stats.hits - before.hits };
}

function probe(script, args) {
  const r = sh(process.execPath, [path.join(__dirname, 'probes', script), ...args]);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** The 1,000-migration workspace with every migration applied (ledger written by sqlite3, which is fast). */
function appliedWorkspace(ws) {
  const db = path.join(ws.root, 'data', 'app.db');
  if (!fs.existsSync(db)) {
    fs.mkdirSync(path.dirname(db), { recursive: true });
    sh('sqlite3', [db], { input: nativeScript(ws.migrations) });
  }
  return db;
}

async function timeStatus(out, config, reps) {
  const engine = require(path.join(out, 'src', 'core', 'engine.js'));
  const { ChecksumCache } = require(path.join(out, 'src', 'core', 'migrations', 'catalog.js'));
  const cache = new ChecksumCache();
  const times = [];
  let states = 0;
  for (let r = 0; r <= reps; r++) {
    const t = performance.now();
    const result = await engine.status(config, { cache });
    if (!result.ok) throw new Error(`status failed: ${result.error[0].message}`);
    states = result.value.states.length;
    if (r > 0) times.push(performance.now() - t); // the first fills the cache
  }
  return { ms: median(times), states };
}

/**
 * The longest stretch the calling thread (the extension host's, in VS Code) is blocked during a status refresh
 * and a backup of the status database, per engine. Measured in a Node that has node:sqlite, so both engines run.
 */
function blockingStretches(ctx) {
  const node = ctx.peers.nativeNode ? ctx.peers.nativeNode.bin : process.execPath;
  const big = baseDatabase(ctx.workDir, ctx.statusSizeMB);
  const root = fs.mkdtempSync(path.join(ctx.workDir, 'blocking-'));
  const db = path.join(root, 'app.db');
  fs.copyFileSync(big.file, db);
  fs.mkdirSync(path.join(root, 'migrations'));
  const rows = [];
  try {
    for (const engine of ctx.peers.nativeNode ? ['sqljs', 'native'] : ['sqljs']) {
      for (const op of ['status', 'backup']) {
        const r = sh(node, [path.join(__dirname, 'probes', 'blocking.js'), ctx.out, db, path.join(root, 'migrations'), engine, op]);
        const row = { ...JSON.parse(r.stdout.trim().split('\n').pop()), dbMB: big.bytes / 1048576 };
        log(`longest block of the calling thread, ${op} on ${engine}: ${row.maxBlockMs.toFixed(1)} ms (the operation took ${row.ms.toFixed(0)} ms)`);
        rows.push(row);
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

async function runHotPaths(ctx, { sizes, reps }) {
  const results = { discovery: [], activation: null, tree: null, status: [] };
  for (const count of sizes) {
    const ws = discoveryWorkspace(ctx.workDir, count);
    const d = await timeDiscovery(ctx.out, ws.dir, count >= 10000 ? Math.min(reps, 3) : reps);
    log(`discovery of ${count}: cold ${d.coldMs.toFixed(0)} ms, warm ${d.warmMs.toFixed(0)} ms (${d.warmReads} files re-read)`);
    results.discovery.push({ count, ...d });
  }
  const ws = discoveryWorkspace(ctx.workDir, 1000);
  appliedWorkspace(ws);
  const runs = Array.from({ length: reps }, () => probe('activation.js', [ctx.extension]));
  const first = probe('activation.js', [ctx.extension, ws.root]);
  results.activation = {
    requireMs: median(runs.map((r) => r.requireMs)),
    activateMs: median(runs.map((r) => r.activateMs)),
    wasmOnHostThread: Math.max(...runs.map((r) => r.afterFirstStatus.wasmReads + r.afterFirstStatus.wasmCompiles)),
    firstStatus: first,
    bundleKB: fs.statSync(ctx.extension).size / 1024,
  };
  log(`activation: require ${results.activation.requireMs.toFixed(1)} ms, activate ${results.activation.activateMs.toFixed(1)} ms`);
  results.tree = probe('tree.js', [ctx.out, '1000', String(Math.max(reps, 20))]);
  const { resolveConfig } = require(path.join(ctx.out, 'src', 'core', 'config.js'));
  const small = resolveConfig(ws.root, { databaseFile: 'data/app.db', migrationsFolder: 'migrations' });
  results.status.push({ what: '1,000 migrations (all applied)', ...(await timeStatus(ctx.out, small, reps)), dbMB: fs.statSync(small.databaseFile).size / 1048576 });
  if (ctx.statusSizeMB) {
    const big = baseDatabase(ctx.workDir, ctx.statusSizeMB);
    const migDir = path.join(ctx.workDir, 'migrations', 'status-200');
    fs.rmSync(migDir, { recursive: true, force: true });
    writeMigrations(migDir, 200, 'mixed');
    const config = resolveConfig(path.dirname(big.file), { databaseFile: big.file, migrationsFolder: migDir });
    results.status.push({ what: '200 migrations (pending)', ...(await timeStatus(ctx.out, config, reps)), dbMB: big.bytes / 1048576 });
  }
  for (const s of results.status) log(`status refresh, ${s.what}: ${s.ms.toFixed(0)} ms`);
  results.lint = await timeLint(ctx.out, Math.min(reps, 3));
  log(`lint of 300, change #7: cold ${results.lint.coldAllMs.toFixed(0)} ms, re-lint ${results.lint.reAllMs.toFixed(0)} ms; #7 alone: cold ${results.lint.coldOneMs.toFixed(0)} ms, re-lint ${results.lint.reOneMs.toFixed(1)} ms`);
  if (ctx.statusSizeMB) results.blocking = blockingStretches(ctx);
  return results;
}

module.exports = { runHotPaths, discoveryWorkspace, appliedWorkspace };
