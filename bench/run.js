#!/usr/bin/env node
'use strict';
// npm run bench [-- --quick] [-- --record]
// Applies the same generated migrations to copies of the same databases with our CLI (sql.js and
// native engines), Debian's sqlite3 CLI and dbmate, profiles one large `up`, and times the
// extension's hot paths.
// Generated databases and compiled modules are cached in bench/work/ (gitignored).
const fs = require('fs');
const path = require('path');
const { parseArgs } = require('util');
const { runScenario } = require('./lib/apply');
const { compiledOut } = require('./lib/compiled');
const { runHotPaths } = require('./lib/hotpaths');
const { findPeers } = require('./lib/peers');
const { runProfile } = require('./lib/profile');
const { machine, markdown, record } = require('./lib/report');
const { log, TIME_BIN } = require('./lib/util');

const HELP = `Usage: node bench/run.js [options]   (npm run bench -- [options])
  --quick            CI mode: empty + 10 MB databases, 50 migrations, 3 reps, 1,000-file hot paths, no profile
  --reps N           repetitions for the small scenarios (default 5; the 500 MB ones run once)
  --migrations N     migrations in the realistic history (default 200)
  --no-large         skip the 500 MB scenarios
  --only WHAT        run only: scenarios | profile | hotpaths
  --record           write the results into bench/RESULTS.md (between its markers)
  --json FILE        also write the raw results as JSON
`;

const REPO = path.resolve(__dirname, '..');
const WORK = path.join(__dirname, 'work');

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      reps: { type: 'string' },
      migrations: { type: 'string' },
      'no-large': { type: 'boolean' },
      only: { type: 'string' },
      record: { type: 'boolean' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const quick = Boolean(values.quick);
  return {
    quick,
    reps: Number(values.reps ?? (quick ? 3 : 5)),
    count: Number(values.migrations ?? (quick ? 50 : 200)),
    large: !quick && !values['no-large'],
    only: values.only,
    record: Boolean(values.record),
    json: values.json,
  };
}

function plan(o) {
  const s = (workload, count, sizeMB, reps) => ({ label: `${workload}/${count}/${sizeMB}MB`, workload, count, sizeMB, reps });
  if (o.quick) return { first: [s('mixed', o.count, 0, o.reps), s('mixed', o.count, 10, o.reps)], last: [] };
  return {
    first: [
      s('mixed', o.count, 0, o.reps),
      s('mixed', o.count, 10, o.reps),
      s('mixed', o.count, 100, Math.min(o.reps, 3)),
      s('schema', o.count, 100, Math.min(o.reps, 3)),
      s('small', 1000, 0, 1),
    ],
    // Last, once each: they take most of the run.
    last: o.large ? [s('mixed', o.count, 500, 1), s('schema', o.count, 500, 1)] : [],
  };
}

function preflight(ctx) {
  const missing = [];
  if (!fs.existsSync(TIME_BIN)) missing.push(`${TIME_BIN} (GNU time: apt-get install -y time)`);
  if (require('child_process').spawnSync('sqlite3', ['--version']).status !== 0) missing.push('sqlite3 (apt-get install -y sqlite3)');
  if (!fs.existsSync(ctx.cli) || !fs.existsSync(ctx.extension)) missing.push('dist/cli.js and dist/extension.js (npm run build)');
  if (missing.length) {
    process.stderr.write(`bench: missing ${missing.join(', ')}\n`);
    process.exit(2);
  }
}

async function main() {
  const o = options();
  const started = Date.now();
  fs.mkdirSync(WORK, { recursive: true });
  const ctx = { repo: REPO, workDir: WORK, cli: path.join(REPO, 'dist', 'cli.js'), extension: path.join(REPO, 'dist', 'extension.js'), statusSizeMB: o.quick ? 10 : 100 };
  preflight(ctx);
  ctx.peers = findPeers(ctx);
  ctx.out = compiledOut(REPO, WORK);
  const want = (what) => !o.only || o.only === what;
  const { first, last } = plan(o);
  const results = { quick: o.quick, machine: machine(REPO, ctx.peers), scenarios: [] };
  const partial = path.join(WORK, 'partial-results.json');
  const keep = (r) => (results.scenarios.push(r), fs.writeFileSync(partial, JSON.stringify(results, null, 2)));
  if (want('scenarios')) for (const sc of first) keep(runScenario(ctx, sc));
  if (want('profile') && !o.quick) results.profile = await runProfile(ctx, { sizeMB: 100, count: o.count, workload: 'mixed' });
  if (want('hotpaths')) results.hotPaths = await runHotPaths(ctx, { sizes: o.quick ? [1000] : [1000, 10000], reps: o.reps });
  if (want('scenarios')) for (const sc of last) keep(runScenario(ctx, sc));
  // What could not run, and why: printed under the table.
  results.notes = [...ctx.peers.notes, ...(ctx.nativeUnavailable ? [`ours (native) unavailable: the CLI refused \`--engine native\` (exit 2): ${ctx.nativeUnavailable}`] : [])];
  results.elapsedSeconds = (Date.now() - started) / 1000;
  results.loadavgEnd = require('os').loadavg()[0];
  const text = markdown(results);
  process.stdout.write('\n' + text);
  if (o.json) fs.writeFileSync(o.json, JSON.stringify(results, null, 2));
  fs.writeFileSync(path.join(WORK, 'last-results.json'), JSON.stringify(results, null, 2));
  if (o.record) {
    record(path.join(__dirname, 'RESULTS.md'), text);
    log('recorded in bench/RESULTS.md');
  }
  const mismatched = results.scenarios.filter((s) => s.check.startsWith('MISMATCH'));
  if (mismatched.length) {
    process.stderr.write(`bench: the runners disagree in ${mismatched.map((s) => s.label).join(', ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  process.stderr.write(`bench: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 1;
});
