// `sqlite-migrations lint`: pending migrations (or all) run against the schema the migrations before them leave, on
// a scratch in-memory database, and checked against the target SQLite version. The database file is only read, by
// the status task, for the ledger; without one, every migration is pending.
import * as path from 'node:path';
import type { EngineConfig } from '../core/config';
import * as engine from '../core/engine';
import type { EngineName } from '../core/engine/connection';
import { engineLabel } from '../core/engine/facts';
import { NativeConnection } from '../core/engine/native/connection';
import { loadNodeSqlite } from '../core/engine/native/nodeSqlite';
import { lintMigrations, type MigrationLint } from '../core/lint/lint';
import { SchemaCache } from '../core/lint/schemaCache';
import { parseVersion, versionText } from '../core/lint/version';
import type { Problem } from '../core/model';
import { toApply } from '../core/ledger/status';
import { problem } from '../core/problems';
import { scratchDatabase, type OpenScratch } from '../core/run/replay';
import type { CliArgs } from './args';
import type { CliIO } from './commands';
import { painter, problemLine } from './format';
import { failureJson } from './output';

export async function lintCommand(cfg: EngineConfig, args: CliArgs, io: CliIO, options: engine.OperationOptions): Promise<number> {
  const target = parseVersion(cfg.targetSqliteVersion);
  if (!target.ok) return badInput([problem('bad-settings', `sqliteMigrations.targetSqliteVersion: ${target.error}.`)], args, io);
  const status = await engine.status(cfg, options);
  if (!status.ok) return badInput(status.error, args, io);
  const { catalog, states } = status.value;
  const unusable = catalog.problems.filter((p) => p.code === 'folder-missing' || p.severity === 'error');
  if (unusable.length) return badInput(unusable, args, io);
  // What `up` would apply: pending, failed and rolled back.
  const pending = new Set(toApply(states).map((s) => s.migration!.name));
  const indexes = catalog.migrations.map((m, i) => (args.all || pending.has(m.name) ? i : -1)).filter((i) => i >= 0);
  const scratch = scratchFor(cfg);
  const cache = new SchemaCache();
  let results: MigrationLint[];
  try {
    results = await lintMigrations(catalog.migrations, indexes, { target: target.value, open: scratch.open, cache });
  } finally {
    cache.dispose();
  }
  return print(results, { engine: scratch.engine, target: versionText(target.value), notes: catalog.problems }, args, io);
}

/** node:sqlite's `:memory:` where this Node has it and the engine setting allows it, as the engine's own replay does; else sql.js. */
function scratchFor(cfg: EngineConfig): { engine: EngineName; open: OpenScratch } {
  const sqlite = cfg.engine === 'sqljs' ? undefined : loadNodeSqlite();
  if (!sqlite) return { engine: 'sqljs', open: scratchDatabase };
  return { engine: 'native', open: async () => NativeConnection.open(sqlite, ':memory:') };
}

function badInput(problems: readonly Problem[], args: CliArgs, io: CliIO): number {
  const errors = problems.map((p) => ({ ...p, severity: 'error' as const }));
  if (args.json) io.out(failureJson(errors));
  else for (const p of errors) io.err(problemLine(p, painter(io.color)) + '\n');
  return 2;
}

interface Summary {
  readonly engine: EngineName;
  readonly target: string;
  readonly notes: readonly Problem[];
}

function print(results: readonly MigrationLint[], s: Summary, args: CliArgs, io: CliIO): number {
  const all = results.flatMap((r) => r.findings);
  // Notes (a statement the checks could not run) are printed but are not findings: they fail nothing.
  const findings = all.filter((f) => f.severity !== 'info');
  const notes = all.filter((f) => f.severity === 'info');
  const code = findings.length ? 1 : 0;
  if (args.json) {
    io.out(JSON.stringify({ engine: s.engine, ok: code === 0, target: s.target, checked: results.map((r) => r.name), findings, notes, problems: s.notes }, null, 2) + '\n');
    return code;
  }
  const paint = painter(io.color);
  for (const p of s.notes) io.err(problemLine(p, paint) + '\n');
  const lines = all.map((f) => {
    const where = `${path.relative(io.cwd, f.file ?? '') || f.file}:${f.line}:${f.column}`;
    const label = f.severity === 'error' ? paint.red('error') : f.severity === 'warning' ? paint.yellow('warning') : paint.dim('note');
    return `${where}: ${label}: ${f.detail}${f.statement ? `\n    ${paint.dim(f.statement.replace(/\s+/g, ' ').slice(0, 200))}` : ''}`;
  });
  const what = results.length === 1 ? '1 migration' : `${results.length} migrations`;
  const noted = notes.length ? ` (${notes.length} note${notes.length === 1 ? '' : 's'})` : '';
  lines.push(`${findings.length ? `${findings.length} finding${findings.length === 1 ? '' : 's'}` : 'No findings'}${noted} in ${what} checked (target SQLite ${s.target}).`, paint.dim(`Engine: ${engineLabel(s.engine)} (a scratch in-memory database; the database file was only read)`));
  io.out(lines.join('\n') + '\n');
  return code;
}
