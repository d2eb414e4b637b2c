'use strict';
// Turns the results into the markdown printed at the end and recorded in bench/RESULTS.md.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { fmtMB, fmtMs, fmtSeconds } = require('./util');

const BEGIN = '<!-- bench:results:begin -->';
const END = '<!-- bench:results:end -->';

function machine(repo) {
  const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = (/^model name\s*:\s*(.*)$/m.exec(cpu) || [])[1] || 'unknown';
  const sqlite = spawnSync('sqlite3', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[0];
  const sqljs = JSON.parse(fs.readFileSync(path.join(repo, 'node_modules', 'sql.js', 'package.json'), 'utf8')).version;
  const commit = spawnSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const built = fs.statSync(path.join(repo, 'dist', 'cli.js')).mtime.toISOString().slice(11, 16);
  const dirty = spawnSync('git', ['-C', repo, 'status', '--porcelain', 'src'], { encoding: 'utf8' }).stdout.trim() ? ' + uncommitted changes in src/' : '';
  return { nproc: os.cpus().length, model, ramGB: os.totalmem() / 1024 ** 3, loadavg: os.loadavg()[0], node: process.version, sqlite, sqljs, commit: commit + dirty, built, date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC' };
}

const WORKLOAD = {
  mixed: 'realistic (backfills, bulk indexes, rebuild)',
  schema: 'schema only',
  small: 'small CREATE TABLE + index each',
};

function scenarioTable(scenarios) {
  const lines = [
    '| migrations | db | reps | ours: wall median (min) | sqlite3 | **ours/sqlite3** | sqlite3 + backup + checks | ours/that | CPU ours / sqlite3 | peak RSS ours / sqlite3 | same result? |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of scenarios) {
    const { ours, native, nativeChecked } = s.stats;
    const db = s.sizeMB === 0 ? 'empty' : `${s.dbMB.toFixed(0)} MB`;
    const cpu = `${fmtSeconds(ours.cpu)} / ${fmtSeconds(native.cpu)} (${s.cpuRatio.toFixed(1)}x)`;
    const rss = `${fmtMB(ours.peakMB)} / ${fmtMB(Math.max(native.peakMB, nativeChecked.peakMB))}`;
    lines.push(`| ${s.count} ${WORKLOAD[s.workload]} | ${db} | ${s.reps} | ${fmtSeconds(ours.median)} (${fmtSeconds(ours.min)}) | ${fmtSeconds(native.median)} (${fmtSeconds(native.min)}) | **${s.ratio.toFixed(1)}x** | ${fmtSeconds(nativeChecked.median)} | ${s.ratioChecked.toFixed(1)}x | ${cpu} | ${rss} | ${s.check} |`);
  }
  return lines.join('\n');
}

function profileTable(p) {
  const lines = [`One \`up\` of ${p.count} ${WORKLOAD[p.workload]} migrations on the ${p.dbMB.toFixed(0)} MB database, through \`engine.migrateUp\` (the CLI's path, worker included): **${fmtMs(p.up.totalMs)}**.`, '', '| step (nested: inside the step above) | time | calls | bytes |', '| --- | --- | --- | --- |'];
  for (const r of p.up.rows) lines.push(row(r));
  lines.push('', `Inside the worker (the same task run in-thread with sql.js instrumented): **${fmtMs(p.task.totalMs)}**.`, '', '| step | time | calls | bytes |', '| --- | --- | --- | --- |');
  for (const r of p.task.rows) lines.push(row(r));
  if (p.whatIf) {
    const fk = p.task.rows.find((r) => r.key === 'migrations (runPlan) > sql.js PRAGMA foreign_key_check');
    lines.push(
      '',
      `What-if (sizing only; correctness checks skipped, so not a proposal as such): the same in-thread task with the per-migration \`foreign_key_check\` and dangling-reference query answered "none" without running: **${fmtMs(p.whatIf.totalMs)}** instead of ${fmtMs(p.task.totalMs)}${fk ? ` (the skipped checks took ${fmtMs(fk.ms)} above)` : ''}; ${p.whatIfSmall.count} small migrations on the empty database the same way: **${fmtMs(p.whatIfSmall.totalMs)}** (the CLI's run in the first table includes them).`,
    );
  }
  lines.push('', `Loading sql.js (read + compile the wasm) in a fresh process: ${fmtMs(p.sqlJsLoadMs)} (each worker, and the main thread's backup check, pay this once).`);
  return lines.join('\n');
}

function row(r) {
  const depth = r.key.split(' > ').length - 1;
  const name = `${'&nbsp;&nbsp;&nbsp;&nbsp;'.repeat(depth)}${depth ? '↳ ' : ''}${r.key.split(' > ').pop()}`;
  const bytes = r.bytes ? `${(r.bytes / 1048576).toFixed(0)} MB` : '';
  return `| ${name} | ${fmtMs(r.ms)} | ${r.calls} | ${bytes} |`;
}

function hotPathTables(h) {
  const lines = ['| discovery + checksums | cold (new ChecksumCache) | warm (same ChecksumCache) | files re-read when warm |', '| --- | --- | --- | --- |'];
  for (const d of h.discovery) lines.push(`| ${d.count.toLocaleString('en')} migrations (${(d.count * 2).toLocaleString('en')} files) | ${fmtMs(d.coldMs)} | ${fmtMs(d.warmMs)} | ${d.warmReads} |`);
  const a = h.activation;
  const f = a.firstStatus;
  lines.push(
    '',
    `Activation proxy (a fresh Node process, vscode stubbed): \`require('dist/extension.js')\` ${fmtMs(a.requireMs)} (bundle ${a.bundleKB.toFixed(0)} KB, sql.js's JS glue included but only defined), \`activate()\` ${fmtMs(a.activateMs)}; sql.js's wasm read/compiled on the extension host thread during activation: ${a.wasmOnHostThread === 0 ? '**never**' : `**${a.wasmOnHostThread} times**`}.`,
    `First status after activation with a workspace of ${f.migrations} applied migrations (cold cache, worker start and sql.js load in the worker included): ${fmtMs(f.firstStatusMs)}; wasm on the host thread: ${f.afterFirstStatus.wasmReads + f.afterFirstStatus.wasmCompiles}, worker threads started: ${f.afterFirstStatus.workers}.`,
    '',
    `Tree for ${h.tree.count} migrations (real \`MigrationsTree\` over the stub: \`getChildren\` + \`getTreeItem\` x ${h.tree.items}): ${fmtMs(h.tree.treeMs)}; \`mergeStatus\` ${fmtMs(h.tree.mergeStatusMs)}; \`statusJson\` + stringify ${fmtMs(h.tree.statusJsonMs)}. VS Code's own rendering is not included.`,
    '',
    '| status refresh (engine.status, warm ChecksumCache: what every tree refresh costs) | database | median |',
    '| --- | --- | --- |',
  );
  for (const s of h.status) lines.push(`| ${s.what} | ${s.dbMB.toFixed(0)} MB | ${fmtMs(s.ms)} |`);
  return lines.join('\n');
}

function markdown(results) {
  const m = results.machine;
  const parts = [
    `Run: ${m.date}, \`npm run bench${results.quick ? ' -- --quick' : ''}\` (${fmtSeconds(results.elapsedSeconds)} in all), commit ${m.commit}, dist/ built at ${m.built} UTC.`,
    `Machine: ${m.nproc} cores (${m.model}), ${m.ramGB.toFixed(0)} GB RAM, shared with other jobs (1-minute load average ${m.loadavg.toFixed(1)} at the start, ${results.loadavgEnd.toFixed(1)} at the end); Node ${m.node}; sqlite3 ${m.sqlite} (Debian); sql.js ${m.sqljs}.`,
    '',
    '### Applying migrations: our CLI against the sqlite3 CLI',
    '',
    scenarioTable(results.scenarios),
  ];
  if (results.profile) parts.push('', '### Where an `up` spends its time', '', profileTable(results.profile));
  if (results.hotPaths) parts.push('', '### Extension hot paths', '', hotPathTables(results.hotPaths));
  return parts.join('\n') + '\n';
}

/** Replaces the generated section of RESULTS.md, keeping the prose around it. */
function record(file, text) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmark results\n\n${BEGIN}\n${END}\n`;
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`${file} has no ${BEGIN} ... ${END} section`);
  fs.writeFileSync(file, current.slice(0, start + BEGIN.length) + '\n' + text + current.slice(end));
}

module.exports = { machine, markdown, record };
