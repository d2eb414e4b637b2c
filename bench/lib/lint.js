'use strict';
// `lint`'s per-prefix schema cache: 300 migrations (a table, a foreign key and an index each), then migration 7
// changed. A cold lint builds every prefix; a re-lint on the warm cache builds from 7 only (what the editor does on
// each keystroke in migration 7 is the single-migration case).
const path = require('path');
const { performance } = require('perf_hooks');
const { median, sha256 } = require('./util');

function migrations(count, changed) {
  const list = [];
  for (let i = 1; i <= count; i++) {
    const name = `${String(i).padStart(3, '0')}_t${i}`;
    const extra = i === changed ? ',\n    extra TEXT' : '';
    const sql = `CREATE TABLE t_${i} (\n    id INTEGER PRIMARY KEY,\n    parent_id INTEGER REFERENCES t_${Math.max(1, i - 1)}(id),\n    name TEXT NOT NULL${extra}\n);\nCREATE INDEX idx_t_${i}_name ON t_${i}(name);\n`;
    list.push({ sequence: i, sequenceText: String(i), slug: `t${i}`, name, version: String(i), description: '', upPath: `/bench/${name}.sql`, downPath: `/bench/${name}.down.sql`, downSql: `DROP TABLE t_${i};\n`, sql, checksum: sha256(sql) });
  }
  return list;
}

async function timeLint(out, reps, count = 300) {
  const { lintMigrations } = require(path.join(out, 'src', 'core', 'lint', 'lint.js'));
  const { SchemaCache } = require(path.join(out, 'src', 'core', 'lint', 'schemaCache.js'));
  const { scratchDatabase } = require(path.join(out, 'src', 'core', 'run', 'replay.js'));
  const before = migrations(count, -1);
  const after = migrations(count, 7);
  const lastEdited = migrations(count, count);
  const all = before.map((_, i) => i);
  const lint = (ms, indexes, cache) => lintMigrations(ms, indexes, { target: [3, 35, 0], open: scratchDatabase, cache });
  await lint(before, all, new SchemaCache()); // JIT and sql.js warm-up; not counted
  const row = { count, coldAll: [], reAll: [], coldOne: [], reOne: [], coldLast: [], reLast: [], reAllBuilds: 0, reOneBuilds: 0, reLastBuilds: 0 };
  for (let r = 0; r < reps; r++) {
    const cache = new SchemaCache();
    let t = performance.now();
    await lint(before, all, cache);
    row.coldAll.push(performance.now() - t);
    const built = cache.builds;
    t = performance.now();
    await lint(after, [6], cache);
    row.reOne.push(performance.now() - t);
    row.reOneBuilds = cache.builds - built;
    t = performance.now();
    await lint(after, all, cache);
    row.reAll.push(performance.now() - t);
    row.reAllBuilds = cache.builds - built;
    t = performance.now();
    await lint(after, [6], new SchemaCache());
    row.coldOne.push(performance.now() - t);
    // The last migration, edited: the cache holds the 299 before it.
    const warm = new SchemaCache();
    t = performance.now();
    await lint(before, [count - 1], warm);
    row.coldLast.push(performance.now() - t);
    const builtLast = warm.builds;
    t = performance.now();
    await lint(lastEdited, [count - 1], warm);
    row.reLast.push(performance.now() - t);
    row.reLastBuilds = warm.builds - builtLast;
  }
  return { count, coldAllMs: median(row.coldAll), reAllMs: median(row.reAll), coldOneMs: median(row.coldOne), reOneMs: median(row.reOne), reOneBuilds: row.reOneBuilds, reAllBuilds: row.reAllBuilds, coldLastMs: median(row.coldLast), reLastMs: median(row.reLast), reLastBuilds: row.reLastBuilds };
}

module.exports = { timeLint };
