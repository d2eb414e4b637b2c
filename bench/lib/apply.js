'use strict';
// One scenario: the same migrations applied to copies of the same database by our CLI and by the
// sqlite3 CLI (plain, and with the safety work ours does: backup copy + integrity/foreign-key checks),
// repeated, runners alternating order each repetition. The first repetition's results are compared.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { baseDatabase } = require('./databases');
const { discoveryWorkspace } = require('./hotpaths');
const { writeMigrations } = require('./migrations');
const { nativeScript } = require('./native');
const { freshDir, log, median, requireOk, sh, timed } = require('./util');

const RUNNERS = ['ours', 'native', 'nativeChecked'];

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
  const samples = Object.fromEntries(RUNNERS.map((r) => [r, []]));
  let check;
  for (let rep = 0; rep < scenario.reps; rep++) {
    const order = RUNNERS.map((_, i) => RUNNERS[(i + rep) % RUNNERS.length]);
    const results = {};
    for (const runner of order) {
      const dir = freshDir(path.join(ctx.workDir, 'run', runner));
      const db = path.join(dir, 'app.db');
      fs.copyFileSync(base.file, db);
      const sample = runOne(ctx, runner, dir, db, migDir, scripts);
      samples[runner].push(sample);
      if (rep === 0) results[runner] = fingerprint(db);
    }
    if (rep === 0) check = compare(results, migrations.length);
    log(`${scenario.label} rep ${rep + 1}/${scenario.reps}: ` + RUNNERS.map((r) => `${r} ${samples[r][rep].seconds.toFixed(2)} s (cpu ${samples[r][rep].cpuSeconds.toFixed(2)})`).join(', '));
  }
  fs.rmSync(path.join(ctx.workDir, 'run'), { recursive: true, force: true });
  return summarise(scenario, base, samples, check);
}

function runOne(ctx, runner, dir, db, migDir, scripts) {
  const opts = { tmpDir: ctx.workDir };
  let result;
  if (runner === 'ours') {
    const args = [ctx.cli, 'up', '--root', dir, '--db', db, '--dir', migDir, '--time-limit', '7200', '--json'];
    result = timed(process.execPath, args, opts);
  } else if (runner === 'native') {
    result = timed('sqlite3', [db], { ...opts, input: scripts.native });
  } else {
    // The same durability ours gives: a copy of the file, synced, before anything changes.
    const backup = path.join(dir, 'app.backup.db');
    const cmd = 'cp "$1" "$2" && sync "$2" && exec sqlite3 "$1"';
    result = timed('bash', ['-c', cmd, 'bash', db, backup], { ...opts, input: scripts.nativeChecked });
    if (result.status === 0 && !/^ok$/m.test(result.stdout)) throw new Error(`integrity_check did not say ok: ${result.stdout.slice(0, 500)}`);
  }
  requireOk(result, `${runner} on ${db}`);
  return { seconds: result.seconds, cpuSeconds: result.cpuSeconds, peakMB: result.peakMB };
}

/** What must be the same whichever runner applied the migrations: schema, ledger, and the data. */
function fingerprint(db) {
  const q = (sql) => sh('sqlite3', ['-readonly', db, sql]).stdout;
  const schema = q("SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'schema_migrations%' AND name NOT LIKE 'sqlite_%' ORDER BY type, name;");
  const ledger = q("SELECT version || ' ' || checksum || ' ' || status FROM schema_migrations ORDER BY id;");
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
  return { schema, ledger, counts, smallTables, bulk, ledgerRows: ledger.split('\n').filter(Boolean).length };
}

function compare(results, expected) {
  const problems = [];
  for (const [runner, fp] of Object.entries(results)) {
    if (fp.ledgerRows !== expected) problems.push(`${runner}: ${fp.ledgerRows} ledger rows, expected ${expected}`);
  }
  for (const key of ['schema', 'ledger', 'counts', 'smallTables', 'bulk']) {
    const values = new Set(Object.values(results).map((fp) => fp[key]));
    if (values.size > 1) problems.push(`the runners disagree on ${key}`);
  }
  return problems.length ? `MISMATCH: ${problems.join('; ')}` : 'same schema, ledger and data';
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
  const ratio = (a, b) => stats[a].median / stats[b].median;
  const cpuRatio = stats.ours.cpu / stats.native.cpu;
  return { ...scenario, dbMB: base.bytes / 1024 / 1024, stats, ratio: ratio('ours', 'native'), ratioChecked: ratio('ours', 'nativeChecked'), cpuRatio, check };
}

module.exports = { runScenario, fingerprint };
