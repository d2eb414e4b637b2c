'use strict';
// One scenario: the same migrations applied to copies of the same database by our CLI (sql.js engine,
// and native engine when available), by the sqlite3 CLI (plain, and with the safety work ours does:
// backup copy + integrity/foreign-key checks) and by dbmate when installed, repeated, runners
// alternating order each repetition. The first repetition's results are compared.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { baseDatabase } = require('./databases');
const { discoveryWorkspace } = require('./hotpaths');
const { writeMigrations } = require('./migrations');
const { nativeScript } = require('./native');
const { dbmateUrl, writeDbmateMigrations } = require('./peers');
const { freshDir, log, median, requireOk, sh, timed } = require('./util');

// Keys as stored in the JSON results: 'native' is the sqlite3 CLI (the name predates ours (native)).
const LABELS = { ours: 'ours (sql.js)', oursNative: 'ours (native)', native: 'sqlite3', nativeChecked: 'sqlite3 + backup + checks', dbmate: 'dbmate' };

/** The runners this bench run can use; ours (native) drops out for good once the CLI refuses it. */
function activeRunners(ctx) {
  const runners = ['ours'];
  if (ctx.peers.nativeNode && !ctx.nativeUnavailable) runners.push('oursNative');
  runners.push('native', 'nativeChecked');
  if (ctx.peers.dbmate) runners.push('dbmate');
  return runners;
}

/** The migrations a scenario applies: the realistic history, or the discovery set of small ones. */
function scenarioMigrations(ctx, scenario) {
  if (scenario.workload === 'small') {
    const ws = discoveryWorkspace(ctx.workDir, scenario.count);
    return { migDir: ws.dir, migrations: ws.migrations };
  }
  const migDir = freshDir(path.join(ctx.workDir, 'migrations', `${scenario.workload}-${scenario.count}`));
  return { migDir, migrations: writeMigrations(migDir, scenario.count, scenario.workload) };
}

function runScenario(ctx, scenario) {
  const { migDir, migrations } = scenarioMigrations(ctx, scenario);
  const base = baseDatabase(ctx.workDir, scenario.sizeMB);
  const scripts = { native: nativeScript(migrations), nativeChecked: nativeScript(migrations, { checks: true }) };
  // dbmate reads its own layout, so it gets the same SQL in a folder of its own.
  const dbmateDir = ctx.peers.dbmate && writeDbmateMigrations(path.join(ctx.workDir, 'migrations', `dbmate-${scenario.workload}-${scenario.count}`), migrations);
  const dirs = { migDir, dbmateDir };
  const samples = {};
  let check;
  for (let rep = 0; rep < scenario.reps; rep++) {
    const runners = activeRunners(ctx);
    const order = runners.map((_, i) => runners[(i + rep) % runners.length]);
    const results = {};
    for (const runner of order) {
      const dir = freshDir(path.join(ctx.workDir, 'run', runner));
      const db = path.join(dir, 'app.db');
      fs.copyFileSync(base.file, db);
      const sample = runOne(ctx, runner, dir, db, dirs, scripts);
      if (!sample) continue; // ours (native) refused: see ctx.nativeUnavailable
      (samples[runner] ??= []).push(sample);
      if (rep === 0) results[runner] = fingerprint(db, { ledger: runner !== 'dbmate' });
    }
    if (rep === 0) check = compare(results, migrations);
    log(`${scenario.label} rep ${rep + 1}/${scenario.reps}: ` + Object.keys(samples).filter((r) => samples[r][rep]).map((r) => `${r} ${samples[r][rep].seconds.toFixed(2)} s (cpu ${samples[r][rep].cpuSeconds.toFixed(2)})`).join(', '));
  }
  fs.rmSync(path.join(ctx.workDir, 'run'), { recursive: true, force: true });
  return summarise(scenario, base, samples, check);
}

function runOne(ctx, runner, dir, db, dirs, scripts) {
  const opts = { tmpDir: ctx.workDir };
  const oursArgs = ['up', '--root', dir, '--db', db, '--dir', dirs.migDir, '--time-limit', '7200', '--json'];
  let result;
  if (runner === 'ours') {
    const engine = ctx.peers.engineFlag ? ['--engine', 'sqljs'] : [];
    result = timed(process.execPath, [ctx.cli, ...oursArgs, ...engine], opts);
  } else if (runner === 'oursNative') {
    result = timed(ctx.peers.nativeNode.bin, [ctx.cli, ...oursArgs, '--engine', 'native'], opts);
    // Exit 2 is the CLI's usage error (today: "Unknown option '--engine'"); the database is not
    // touched then, so the column says "unavailable" and the bench goes on without it.
    if (result.status === 2) {
      ctx.nativeUnavailable = usageMessage(result);
      log(`ours (native) is unavailable: ${ctx.nativeUnavailable}`);
      return null;
    }
  } else if (runner === 'native') {
    result = timed('sqlite3', [db], { ...opts, input: scripts.native });
  } else if (runner === 'nativeChecked') {
    // The same durability ours gives: a copy of the file, synced, before anything changes.
    const backup = path.join(dir, 'app.backup.db');
    const cmd = 'cp "$1" "$2" && sync "$2" && exec sqlite3 "$1"';
    result = timed('bash', ['-c', cmd, 'bash', db, backup], { ...opts, input: scripts.nativeChecked });
    if (result.status === 0 && !/^ok$/m.test(result.stdout)) throw new Error(`integrity_check did not say ok: ${result.stdout.slice(0, 500)}`);
  } else {
    // As a dbmate user would run it; cwd is the run folder so no stray .env is read, and
    // --no-dump-schema because the dump would shell out to sqlite3 after the migrations.
    const args = ['--url', dbmateUrl(db), '--migrations-dir', dirs.dbmateDir, '--no-dump-schema', 'up'];
    result = timed(ctx.peers.dbmate.bin, args, { ...opts, cwd: dir });
  }
  requireOk(result, `${runner} on ${db}`);
  return { seconds: result.seconds, cpuSeconds: result.cpuSeconds, peakMB: result.peakMB };
}

/** The first line that says why: stderr for a parse error, the JSON problems for a refused configuration. */
function usageMessage(result) {
  try {
    const problem = JSON.parse(result.stdout).problems[0];
    if (problem && problem.message) return problem.message;
  } catch {
    // not JSON: the parse error path writes to stderr
  }
  const line = (result.stderr || '').split('\n').find((l) => l.trim()) || `exit ${result.status}`;
  return line.replace(/^sqlite-migrations: /, '').replace(/\. To specify a positional argument.*$/, '');
}

/**
 * What must be the same whichever runner applied the migrations: schema, ledger, and the data.
 * dbmate keeps its own ledger (schema_migrations(version) only: no checksums, status or applied
 * text), so for it (`ledger: false`) only the list of recorded versions is taken.
 */
function fingerprint(db, { ledger = true } = {}) {
  const q = (sql) => sh('sqlite3', ['-readonly', db, sql]).stdout;
  const schema = q("SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'schema_migrations%' AND name NOT LIKE 'sqlite_%' ORDER BY type, name;");
  const versions = q('SELECT version FROM schema_migrations ORDER BY version;');
  const ledgerText = ledger ? q("SELECT version || ' ' || checksum || ' ' || status FROM schema_migrations ORDER BY id;") : null;
  const tables = q("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'schema_migrations%' ORDER BY name;").split('\n').filter(Boolean);
  let counts = '';
  for (let i = 0; i < tables.length; i += 400) {
    // SQLite allows at most 500 terms in one compound SELECT.
    counts += q(tables.slice(i, i + 400).map((t) => `SELECT '${t}', count(*) FROM "${t}"`).join(' UNION ALL ') + ';');
  }
  const small = new Set(tables.filter((t) => !['tasks', 'events'].includes(t)));
  // Timestamps from DEFAULT (now) and triggers differ between runs by design; everything else must not.
  const columns = q(`SELECT m.name, group_concat(quote(p.name), ', ') FROM sqlite_master AS m, pragma_table_info(m.name) AS p
    WHERE m.type = 'table' AND p.name NOT LIKE '%\\_at' ESCAPE '\\' GROUP BY m.name ORDER BY m.name;`);
  const selects = columns.split('\n').filter(Boolean).map((line) => line.split('|')).filter(([t]) => small.has(t))
    .map(([t, cols]) => `SELECT ${cols.replace(/'/g, '"')} FROM "${t}" ORDER BY 1;`);
  const smallTables = crypto.createHash('sha256').update(selects.length ? q(selects.join('\n')) : '').digest('hex');
  const bulk = q("SELECT count(*), total(priority_score), (SELECT count(*) FROM pragma_table_info('tasks')) FROM tasks;").trim();
  return { schema, versions, ledger: ledgerText, counts, smallTables, bulk };
}

function compare(results, migrations) {
  const problems = [];
  const expected = migrations.map((m) => m.version).join('\n') + '\n';
  for (const [runner, fp] of Object.entries(results)) {
    if (fp.versions !== expected) problems.push(`${LABELS[runner]}: recorded ${fp.versions.split('\n').filter(Boolean).length} versions, expected ${migrations.length}`);
  }
  for (const key of ['schema', 'ledger', 'counts', 'smallTables', 'bulk']) {
    // Each against ours (sql.js); the ledger (checksums, status) is null for dbmate: not compared.
    const differ = Object.keys(results).filter((r) => results[r][key] !== null && results[r][key] !== results.ours[key]);
    if (differ.length) problems.push(`${differ.map((r) => LABELS[r]).join(', ')} differ from ours (sql.js) on ${key}`);
  }
  if (problems.length) return `MISMATCH: ${problems.join('; ')}`;
  return results.dbmate ? 'same schema, ledger and data; dbmate: same schema, data and versions (its ledger has no checksums, not compared)' : 'same schema, ledger and data';
}

function summarise(scenario, base, samples, check) {
  const stats = Object.fromEntries(
    Object.entries(samples).map(([runner, list]) => [runner, {
      median: median(list.map((s) => s.seconds)),
      min: Math.min(...list.map((s) => s.seconds)),
      cpu: median(list.map((s) => s.cpuSeconds)),
      max: Math.max(...list.map((s) => s.seconds)),
      peakMB: Math.max(...list.map((s) => s.peakMB)),
      samples: list.map((s) => Number(s.seconds.toFixed(3))),
    }]),
  );
  const ratio = (a, b) => (stats[a] ? stats[a].median / stats[b].median : null);
  const cpuRatio = stats.ours.cpu / stats.native.cpu;
  // ratioNative is the target's measure: ours (native) against sqlite3 doing the same safety work.
  return { ...scenario, dbMB: base.bytes / 1024 / 1024, stats, ratio: ratio('ours', 'native'), ratioChecked: ratio('ours', 'nativeChecked'), ratioNative: ratio('oursNative', 'nativeChecked'), ratioDbmate: ratio('dbmate', 'nativeChecked'), cpuRatio, check };
}

module.exports = { runScenario, fingerprint, LABELS };
