import type { CheckResult } from '../core/run/integrity';
import { losesData, type DataLoss } from '../core/run/dataloss';
import { fileLabel } from '../core/migrations/label';
import type { MigrationStatus, Problem } from '../core/model';
import type { MigrationOutcome } from '../core/run/runner';
import type { MigrationState } from '../core/ledger/status';

export interface Paint {
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

export function painter(enabled: boolean): Paint {
  const wrap = (code: number, reset: number) => (s: string) => (enabled ? `\x1b[${code}m${s}\x1b[${reset}m` : s);
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

const STATUS_COLOUR: Record<MigrationStatus, keyof Paint> = {
  applied: 'green',
  pending: 'yellow',
  failed: 'red',
  rolled_back: 'dim',
  modified: 'red',
  missing: 'red',
};

export function statusTable(states: readonly MigrationState[], paint: Paint): string {
  if (states.length === 0) return 'No migrations found.\n';
  const rows = states.map((s) => [
    s.sequence === undefined ? '-' : s.migration?.sequenceText ?? String(s.sequence),
    s.version,
    s.status,
    s.description,
    appliedCell(s),
  ]);
  const header = ['SEQ', 'VERSION', 'STATUS', 'DESCRIPTION', 'APPLIED AT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[], colour?: (s: string) => string) =>
    cells.map((c, i) => (i === 2 && colour ? colour(c.padEnd(widths[i])) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const body = rows.map((r, i) => line(r, paint[STATUS_COLOUR[states[i].status]]));
  return [paint.bold(line(header)), ...body].join('\n') + '\n';
}

/** When it was applied; a failed migration was not, and its row's time is when it failed. */
function appliedCell(s: MigrationState): string {
  if (!s.row || s.status === 'pending') return '';
  return s.row.status === 'failed' ? `failed at ${s.row.appliedAt}` : s.row.appliedAt;
}

/** A dry run's steps ran on a copy: they "would" apply, and their time is the copy's. */
export function outcomeLine(o: MigrationOutcome, paint: Paint, dryRun = false): string {
  const verb = o.direction === 'up' ? 'apply' : 'roll back';
  if (o.ok && dryRun) return `${paint.green('✓')} ${o.name} (${o.version}) would ${verb} (${o.executionTimeMs} ms on the copy)`;
  if (o.ok) return `${paint.green('✓')} ${o.name} (${o.version}) ${o.direction === 'up' ? 'applied' : 'rolled back'} in ${o.executionTimeMs} ms`;
  if (o.refused) return `${paint.red('✗')} ${o.name} (${o.version}) refused: nothing was run${dryRun ? '' : `, so no migration was ${o.direction === 'up' ? 'applied' : 'rolled back'}`}`;
  return `${paint.red('✗')} ${o.name} (${o.version}) failed`;
}

/** `file:line: severity: message`, the shape editors and CI logs turn into links. */
export function problemLine(p: Problem, paint: Paint): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : '';
  const colour = p.severity === 'error' ? paint.red : p.severity === 'warning' ? paint.yellow : paint.dim;
  return `${where}${colour(p.severity)}: ${withoutLocation(p)}`;
}

/** Core messages start with the file (full path or its label, maybe with a line) for other readers; the prefix already says it. */
function withoutLocation(p: Problem): string {
  if (!p.file) return p.message;
  for (const name of [p.file, fileLabel(p.file)]) {
    const prefix = new RegExp(`^${escapeRegExp(name)}(:\\d+)?:?\\s+`);
    if (prefix.test(p.message)) return p.message.replace(prefix, '');
  }
  return p.message;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function checkLine(c: CheckResult, paint: Paint): string {
  // A check that did not run earns no check mark: a dash, and its detail says why.
  const mark = c.skipped ? paint.yellow('-') : c.ok ? paint.green('✓') : paint.red('✗');
  return `${mark} ${c.name}: ${c.detail}`;
}

/** The dry run's data-loss preview as a table: what is removed, where, how many rows. */
export function lossTable(loss: DataLoss, paint: Paint): string {
  const rows: string[][] = [
    ...loss.tablesDropped.map((t) => ['table dropped', t.table, String(t.rows)]),
    ...loss.columnsDropped.map((c) => [c.columns.length === 1 ? 'column dropped' : 'columns dropped', `${c.table}.${c.columns.join(`, ${c.table}.`)}`, String(c.rows)]),
    ...loss.rowsDeleted.map((d) => ['rows deleted', d.table, `${d.before - d.after} of ${d.before}`]),
  ];
  if (!losesData(loss) && rows.length === 0) return 'No data is removed.\n';
  const header = ['REMOVED', 'WHERE', 'ROWS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const body = rows.map((r) => (r[2] === '0' ? paint.dim(line(r)) : paint.red(line(r))));
  const tail = losesData(loss) ? [] : ['No data is removed (only empty tables or columns).'];
  return [paint.bold(line(header)), ...body, ...tail].join('\n') + '\n';
}
