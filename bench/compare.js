#!/usr/bin/env node
'use strict';
// node bench/compare.js BEFORE.json AFTER.json: a before/after table of two `bench/run.js --json` results
// (scenarios matched by workload, count and database size; the profile's totals when both have one).
const fs = require('fs');
const { fmtMB, fmtMs, fmtSeconds } = require('./lib/util');

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  process.stderr.write('Usage: node bench/compare.js BEFORE.json AFTER.json\n');
  process.exit(2);
}
const [before, after] = [beforeFile, afterFile].map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
const key = (s) => `${s.workload}/${s.count}/${s.sizeMB}`;
const label = (s) => `${s.count} ${s.workload}, ${s.sizeMB === 0 ? 'empty' : `${s.dbMB.toFixed(0)} MB`}`;

const lines = [
  `Before: commit ${before.machine.commit} (${before.machine.date}); after: commit ${after.machine.commit} (${after.machine.date}).`,
  '',
  '| scenario | ours before | ours after | speed-up | ours/sqlite3 before | ours/sqlite3 after | peak RSS before / after |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];
const previous = new Map(before.scenarios.map((s) => [key(s), s]));
for (const s of after.scenarios) {
  const b = previous.get(key(s));
  if (!b) continue;
  const speedup = b.stats.ours.median / s.stats.ours.median;
  lines.push(`| ${label(s)} | ${fmtSeconds(b.stats.ours.median)} | ${fmtSeconds(s.stats.ours.median)} | ${speedup.toFixed(1)}x | ${b.ratio.toFixed(1)}x | **${s.ratio.toFixed(1)}x** | ${fmtMB(b.stats.ours.peakMB)} / ${fmtMB(s.stats.ours.peakMB)} |`);
}
if (before.profile && after.profile) {
  lines.push('', `Profiled \`up\` on ${after.profile.dbMB.toFixed(0)} MB: ${fmtMs(before.profile.up.totalMs)} -> ${fmtMs(after.profile.up.totalMs)}; worker task in-thread ${fmtMs(before.profile.task.totalMs)} -> ${fmtMs(after.profile.task.totalMs)}.`);
}
process.stdout.write(lines.join('\n') + '\n');
