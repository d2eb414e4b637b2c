// `sqlite-migrations test`: the migrations' own tests and reversibility checks on a scratch in-memory database.
// The real database is never opened; the result is the same wherever it runs, which is what CI needs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineConfig } from '../core/config';
import { discoverMigrations } from '../core/migrations/catalog';
import { scratchDatabase } from '../core/run/replay';
import { runSuite, type SuiteReport } from '../core/testing/suite';
import { breakingFindings, reviewMigrations } from '../core/semver/breaking';
import type { Problem } from '../core/model';
import type { CliArgs } from './args';
import type { CliIO } from './commands';
import { painter, problemLine } from './format';
import { junitXml } from './junit';

export async function testCommand(cfg: EngineConfig, args: CliArgs, io: CliIO): Promise<number> {
  const catalog = await discoverMigrations(cfg.migrationsFolder, undefined, cfg.layout);
  const unusable = catalog.problems.filter((p) => p.code === 'folder-missing' || p.severity === 'error').map((p) => ({ ...p, severity: 'error' as const }));
  if (unusable.length) return finish({ tests: [], reversibility: [], failures: [], problems: unusable }, args, io);
  const db = await scratchDatabase();
  let report: SuiteReport;
  try {
    report = runSuite(db, catalog.migrations, { now: io.now });
  } finally {
    db.close();
  }
  // The spec's semver rule, on its own scratch database: warnings that do not change the exit code.
  const warnings = breakingFindings(await reviewMigrations(catalog.migrations));
  return finish(report, args, io, warnings);
}

function exitCode(r: SuiteReport): number {
  if (r.problems.length) return 2;
  const failed = r.failures.length || r.tests.some((t) => t.status !== 'passed') || r.reversibility.some((x) => x.status === 'failed');
  return failed ? 1 : 0;
}

function finish(r: SuiteReport, args: CliArgs, io: CliIO, warnings: readonly Problem[] = []): number {
  const code = exitCode(r);
  if (args.junit) {
    const file = path.resolve(io.cwd, args.junit);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, junitXml(r));
    } catch (e) {
      io.err(`sqlite-migrations: the JUnit report cannot be written to ${file}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (args.json) {
    const tests = r.tests.map((t) => ({ migration: t.migration, file: t.file, line: t.line, name: t.name, status: t.status, expected: t.expected, actual: t.actual }));
    io.out(JSON.stringify({ engine: 'sqljs', ok: code === 0, tests, reversibility: r.reversibility, problems: [...r.problems, ...r.failures], warnings }, null, 2) + '\n');
    return code;
  }
  const paint = painter(io.color);
  for (const p of [...r.problems, ...r.failures, ...warnings]) io.err(problemLine(p, paint) + '\n');
  const lines: string[] = [];
  for (const t of r.tests) {
    const where = `${path.basename(t.file)}:${t.line}`;
    if (t.status === 'passed') lines.push(`${paint.green('pass')}  ${where}  ${t.name}`);
    else lines.push(`${t.status === 'skipped' ? paint.yellow('skip') : paint.red('FAIL')}  ${where}  ${t.name}\n        expected: ${t.expected}\n        actual:   ${t.actual}`);
  }
  for (const x of r.reversibility) {
    lines.push(x.status === 'passed' ? `${paint.green('pass')}  ${x.migration}  reversible` : `${paint.red('FAIL')}  ${x.migration}  not reversible\n${x.differences.map((d) => `        ${d}`).join('\n')}`);
  }
  const failed = r.tests.filter((t) => t.status !== 'passed').length + r.reversibility.filter((x) => x.status === 'failed').length;
  const total = r.tests.length + r.reversibility.length;
  if (code !== 2) lines.push(`${total - failed} of ${total} passed${failed ? `, ${failed} failed` : ''}.`, paint.dim('Engine: sql.js (a scratch in-memory database; the database file was not opened)'));
  if (lines.length) io.out(lines.join('\n') + '\n');
  return code;
}
