import { fileLabel } from '../migrations/label';
import { column, type Connection } from '../engine/connection';
import type { Problem } from '../model';
import { virtualTables } from '../sql/modules';
import { tableWrites } from '../sql/writes';
import { triggerWrites } from './fkscope';
import type { PlanStep } from './plan';
import type { MigrationOutcome } from './runner';
import { problem } from '../problems';

/**
 * Refuses a plan before anything runs when it needs a virtual-table module (fts5, rtree, ...) that
 * this engine's SQLite lacks: a migration that creates such a table, or one that writes a table whose
 * triggers write into an existing one. Otherwise SQLite would only say "no such module" halfway.
 */
export function moduleRefusal(db: Connection, steps: readonly PlanStep[]): MigrationOutcome | undefined {
  const have = new Set(column(db, 'PRAGMA module_list').map((m) => String(m).toLowerCase()));
  const existing = column(db, "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").flatMap((sql) => virtualTables(String(sql)));
  for (const step of steps) {
    const sql = step.direction === 'up' ? step.migration.sql : step.downSql ?? '';
    const file = step.direction === 'up' ? step.migration.upPath : step.downPath;
    const created = virtualTables(sql).find((v) => !have.has(v.module));
    if (created) return refusal(step, db, created.module, file, created.line, `CREATE VIRTUAL TABLE ${created.table} USING ${created.module}`);
    const direct = tableWrites(sql);
    const written = new Set([...direct, ...triggerWrites(db, direct)].map((w) => w.table));
    const touched = existing.find((v) => !have.has(v.module) && written.has(v.table));
    if (touched) return refusal(step, db, touched.module, file, undefined, `it writes the ${touched.module} table ${touched.table}, directly or through a trigger`);
  }
  return undefined;
}

function refusal(step: PlanStep, db: Connection, module: string, file: string | undefined, line: number | undefined, why: string): MigrationOutcome {
  const head = step.direction === 'up'
    ? { version: step.migration.version, name: step.migration.name, direction: 'up' as const }
    : { version: step.version, name: step.name, direction: 'down' as const };
  const label = file ? `${fileLabel(file)}${line ? `:${line}` : ''}` : head.name;
  const error: Problem = problem('missing-module', `${label}: needs the SQLite module ${module} (${why}), which this engine lacks; nothing was run. ${remedy(db)}`, { file, line });
  return { ...head, ok: false, executionTimeMs: 0, warnings: [], error, refused: true };
}

function remedy(db: Connection): string {
  return db.engine === 'sqljs'
    ? 'sql.js is built without it; the native engine (node:sqlite on Node 22.16 or later) has it: set sqliteMigrations.engine to "auto" or "native" (CLI: --engine native, on Node 22.16+).'
    : `The node:sqlite of Node ${process.versions.node} is built without it; Node 22.16 or later has it (a newer VS Code, or the CLI on Node 24).`;
}
