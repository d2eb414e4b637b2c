// `sqlite-migrations test`: the migrations' own tests and reversibility checks on a scratch in-memory database of
// the chosen engine. The real database is never opened (--from-db: only read, into a scratch copy); the result is
// the same wherever it runs, which is what CI needs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineConfig } from '../core/config';
import * as engine from '../core/engine';
import type { EngineName } from '../core/engine/connection';
import { engineLabel } from '../core/engine/facts';
import { discoverMigrations } from '../core/migrations/catalog';
import { fileLabel } from '../core/migrations/label';
import type { Problem } from '../core/model';
import type { SuiteReport } from '../core/testing/suite';
import { breakingFindings, reviewMigrations } from '../core/semver/breaking';
import type { CliArgs } from './args';
import type { CliIO } from './commands';
import { painter, problemLine } from './format';
import { junitXml } from './junit';

/** The engine stopped or failed while the tests ran: a failed run (exit 1), not unusable input. */
const RUN_FAILURES = new Set(['time-limit', 'memory-limit', 'native-exit', 'worker-exit', 'worker-error', 'db-busy']);

export async function testCommand(cfg: EngineConfig, args: CliArgs, io: CliIO, options: engine.OperationOptions): Promise<number> {
  const catalog = await discoverMigrations(cfg.migrationsFolder, undefined, cfg.layout);
  const unusable = catalog.problems.filter((p) => p.code === 'folder-missing' || p.severity === 'error').map((p) => ({ ...p, severity: 'error' as const }));
  // Each migration's files, up, down and test, name it: a failure in any of them belongs to it.
  const names = new Map(catalog.migrations.flatMap((m) => [m.upPath, m.downPath, m.testPath].filter((f): f is string => f !== undefined).map((f) => [f, m.name] as const)));
  if (unusable.length) return finish(empty({ problems: unusable }), undefined, args, io);
  const outcome = await engine.testMigrations(cfg, args.fromDb, options);
  if (!outcome.ok) {
    const failures = outcome.error.filter((p) => RUN_FAILURES.has(p.code));
    return finish(empty({ failures, problems: outcome.error.filter((p) => !RUN_FAILURES.has(p.code)) }), outcome.engine, args, io, [], names);
  }
  const suite = outcome.value.suite ?? empty({});
  // The spec's semver rule, on its own scratch database: warnings that do not change the exit code.
  const warnings = breakingFindings(await reviewMigrations(catalog.migrations));
  // The engine's own notes (a fallback to sql.js, a database that does not exist yet) are said, not counted.
  for (const note of outcome.value.notes) if (!args.json) io.err(problemLine(note, painter(io.color)) + '\n');
  return finish(suite, outcome.value.engine, args, io, warnings, names);
}

function empty(parts: { failures?: Problem[]; problems?: Problem[] }): SuiteReport {
  return { tests: [], reversibility: [], failures: parts.failures ?? [], problems: parts.problems ?? [] };
}

function exitCode(r: SuiteReport): number {
  if (r.problems.length) return 2;
  const failed = r.failures.length || r.tests.some((t) => t.status !== 'passed') || r.reversibility.some((x) => x.status === 'failed');
  return failed ? 1 : 0;
}

function finish(r: SuiteReport, engineName: EngineName | undefined, args: CliArgs, io: CliIO, warnings: readonly Problem[] = [], names = new Map<string, string>()): number {
  const code = exitCode(r);
  if (args.junit) {
    const file = path.resolve(io.cwd, args.junit);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, junitXml(r, (f) => names.get(f)));
    } catch (e) {
      io.err(`sqlite-migrations: the JUnit report cannot be written to ${file}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (args.json) {
    const tests = r.tests.map((t) => ({ migration: t.migration, file: t.file, line: t.line, name: t.name, status: t.status, expected: t.expected, actual: t.actual }));
    io.out(JSON.stringify({ engine: engineName ?? null, ok: code === 0, tests, reversibility: r.reversibility, problems: [...r.problems, ...r.failures], warnings }, null, 2) + '\n');
    return code;
  }
  const paint = painter(io.color);
  // A failure is said once, as its FAIL line below with the others; stderr has what stopped the tests, and warnings.
  for (const p of [...r.problems, ...warnings]) io.err(problemLine(p, paint) + '\n');
  const lines: string[] = [];
  for (const t of r.tests) {
    const where = `${fileLabel(t.file)}:${t.line}`;
    if (t.status === 'passed') lines.push(`${paint.green('pass')}  ${where}  ${t.name}`);
    else lines.push(`${t.status === 'skipped' ? paint.yellow('skip') : paint.red('FAIL')}  ${where}  ${t.name}\n        expected: ${t.expected}\n        actual:   ${t.actual}`);
  }
  for (const x of r.reversibility) {
    lines.push(x.status === 'passed' ? `${paint.green('pass')}  ${x.migration}  reversible` : `${paint.red('FAIL')}  ${x.migration}  not reversible\n${x.differences.map((d) => `        ${d}`).join('\n')}`);
  }
  // A migration that could not be applied (or a run that stopped) is a failure of its own: listed and counted, so the
  // summary never says "N of N passed" on a failed run.
  for (const p of r.failures) lines.push(`${paint.red('FAIL')}  ${failureText(p, names)}`);
  const failed = r.tests.filter((t) => t.status !== 'passed').length + r.reversibility.filter((x) => x.status === 'failed').length + r.failures.length;
  const total = r.tests.length + r.reversibility.length + r.failures.length;
  const unusable = r.problems.length ? `; ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} stopped the tests (see above)` : '';
  const where = args.fromDb ? 'a scratch copy of the database; the database file was only read' : 'a scratch in-memory database; the database file was not opened';
  lines.push(`${total - failed} of ${total} passed${failed ? `, ${failed} failed` : ''}${unusable}.`);
  if (engineName) lines.push(paint.dim(`Engine: ${engineLabel(engineName)} (${where})`));
  if (lines.length) io.out(lines.join('\n') + '\n');
  return code;
}

/** "004_dropmail  could not be applied: 004_dropmail.sql:12: no such column: nope", with SQLite's message. */
function failureText(p: Problem, names: ReadonlyMap<string, string>): string {
  const name = p.file ? names.get(p.file) : undefined;
  if (p.code === 'not-reversible' || RUN_FAILURES.has(p.code) || !p.file) return name ? `${name}  ${p.message}` : p.message;
  const label = fileLabel(p.file);
  const where = `${label}${p.line ? `:${p.line}` : ''}`;
  const message = p.message.startsWith(p.file) || p.message.startsWith(label) ? p.message : `${where}: ${p.message}`;
  return `${name ?? label}  could not be applied: ${message}`;
}
