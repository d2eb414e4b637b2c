// The dry-run and verify reports as HTML for the report view: plain tables styled with VS Code's theme
// variables, so they read like the editor around them. No vscode import: unit tests render them directly.
import type { OperationResult } from '../core/engine';
import { engineLabel } from '../core/engine/facts';
import { describeDataLoss } from '../core/run/dataloss';
import type { CheckResult } from '../core/run/integrity';
import type { Problem } from '../core/model';

export interface Report {
  readonly title: string;
  /** The body's HTML; `page` wraps it. */
  readonly body: string;
}

/** What each verify check looks at, in plain words, and what to do when it fails. */
const CHECKS: Record<string, { what: string; fix: string }> = {
  integrity_check: {
    what: 'SQLite reads every page and index of the file and checks that they agree.',
    fix: 'The file is damaged: restore a backup (Restore Backup...), or recover it with sqlite3\'s ".recover".',
  },
  quick_check: {
    what: 'SQLite checks the file\'s pages and structure (a faster integrity check for large files).',
    fix: 'The file is damaged: restore a backup (Restore Backup...), or recover it with sqlite3\'s ".recover".',
  },
  foreign_key_check: {
    what: 'Every row that refers to a row of another table points at one that exists.',
    fix: 'Delete or correct the rows listed, in a new migration.',
  },
  attached_databases: {
    what: 'Only this database is open on the connection: nothing else is attached.',
    fix: 'Remove the ATTACH from the migration that added it.',
  },
  ledger_shape: {
    what: 'The schema_migrations table, where applied migrations are recorded, has the expected columns.',
    fix: 'Another tool made this table, or it was changed by hand: use a database made by this extension, or rename the table.',
  },
  ledger_failed: {
    what: 'No migration is left in the failed state.',
    fix: 'Fix the failed migration\'s file and apply it again (the failed attempt changed nothing).',
  },
  ledger_missing: {
    what: 'Every applied migration still has its file.',
    fix: 'Restore the missing files from version control: the database has changes no file describes.',
  },
  checksums: {
    what: 'The files of applied migrations are unchanged since they were applied.',
    fix: 'Revert the edit (Revert to Applied Text) or move it into a new migration (Move Edit into a New Migration).',
  },
  schema_drift: {
    what: 'The schema is what the applied migrations produce: they are replayed on an empty database and the two are compared (other tools\' tables left out).',
    fix: 'Write the change into a new migration (New Migration from Drift), or undo the change made by hand.',
  },
  migration_tests: {
    what: "The newest applied migration's test file (NAME.test.sql) passes against this database; its statements are rolled back.",
    fix: 'Correct the data or schema in a new migration, or the test file if the check itself is wrong.',
  },
};

export function dryRunReport(folderName: string, r: OperationResult, direction: 'up' | 'down'): Report {
  const d = r.dryRun;
  const copy = r.engine === 'native' ? "a temporary copy made with SQLite's backup API" : 'an in-memory copy';
  const verb = direction === 'up' ? 'apply' : 'roll back';
  const parts = [
    `<h1>Dry run: ${esc(folderName)}</h1>`,
    `<p class="note">What ${direction === 'up' ? 'Apply Pending Migrations' : 'the rollback'} would do, run on ${copy} by the ${esc(engineLabel(r.engine))} engine. The database file was not changed.</p>`,
  ];
  if (!d || d.outcomes.length === 0) {
    parts.push(`<p>Nothing to ${verb}: ${direction === 'up' ? 'the database is up to date' : 'no migration is applied'}.</p>`);
    return { title: `Dry Run: ${folderName}`, body: parts.join('\n') };
  }
  parts.push(
    '<h2>Migrations</h2>',
    table(
      ['Migration', 'Version', 'Result', 'Time'],
      d.outcomes.map((o) => [
        esc(o.name),
        esc(o.version),
        o.ok ? `<span class="ok">would ${verb}</span>` : `<span class="fail">fails</span>: ${esc(o.error?.message ?? '')}`,
        `${o.executionTimeMs} ms`,
      ]),
    ),
  );
  const warnings = d.outcomes.flatMap((o) => o.warnings);
  if (warnings.length) parts.push('<h2>Warnings</h2>', list(warnings.map(problemText)));
  parts.push('<h2>Data removed</h2>', list(describeDataLoss(d.loss).map(esc)));
  const changed = d.rowCounts.filter((c) => c.before !== c.after || d.tablesCreated.includes(c.table) || d.tablesDropped.includes(c.table));
  const columns = new Map(d.columnChanges.map((c) => [c.table, c]));
  parts.push(
    '<h2>Tables</h2>',
    table(
      ['Table', 'Rows before', 'Rows after', 'Columns added', 'Columns removed'],
      d.rowCounts.map((c) => [
        esc(c.table) + (d.tablesCreated.includes(c.table) ? ' <span class="tag">new</span>' : d.tablesDropped.includes(c.table) ? ' <span class="tag fail">dropped</span>' : ''),
        d.tablesCreated.includes(c.table) ? '—' : String(c.before),
        d.tablesDropped.includes(c.table) ? '—' : String(c.after),
        esc(columns.get(c.table)?.added.join(', ') ?? ''),
        esc(columns.get(c.table)?.removed.join(', ') ?? ''),
      ]),
      d.rowCounts.map((c) => changed.includes(c) || columns.has(c.table)),
    ),
  );
  return { title: `Dry Run: ${folderName}`, body: parts.join('\n') };
}

export function verifyReport(folderName: string, r: OperationResult, fileProblems: readonly Problem[]): Report {
  const checks = r.checks ?? [];
  const failed = checks.filter((c) => !c.ok).length + (fileProblems.length ? 1 : 0);
  const parts = [
    `<h1>Verify: ${esc(folderName)}</h1>`,
    `<p class="note">Checked by the ${esc(engineLabel(r.engine))} engine, without changing the database.</p>`,
    failed ? `<p class="fail">${failed === 1 ? '1 check failed' : `${failed} checks failed`}.</p>` : passedLine(checks.filter((c) => c.skipped).length),
    // Warnings (a breaking change in a MINOR version) do not fail verify, but "every check passed" alone would hide them.
    ...warningList(r.notes ?? []),
    table(
      ['', 'Check', 'What it looks at', 'Result'],
      [
        ...checks.map((c) => checkRow(c)),
        checkRow({
          name: 'file names',
          ok: fileProblems.length === 0,
          detail: fileProblems.length ? fileProblems.map((p) => p.message).join('; ') : 'every migration file is usable',
        }),
      ],
    ),
  ];
  return { title: `Verify: ${folderName}`, body: parts.join('\n') };
}

function checkRow(c: CheckResult): string[] {
  const about = CHECKS[c.name] ?? {
    what: c.name === 'file names' ? 'Every migration file has a valid name, header and encoding, and a unique sequence.' : '',
    fix: 'Fix the files listed: the Problems panel shows each one.',
  };
  const result = c.ok ? esc(c.detail) : `${esc(c.detail)}<div class="fix">What to do: ${esc(about.fix)}</div>`;
  // A check that could not run earns no check mark: its detail says why.
  const mark = c.skipped ? '<span class="note">–</span>' : c.ok ? '<span class="ok">✓</span>' : '<span class="fail">✗</span>';
  return [mark, esc(c.name.replace(/_/g, ' ')), esc(about.what), result];
}

function warningList(notes: readonly Problem[]): string[] {
  const warnings = notes.filter((n) => n.severity === 'warning');
  if (!warnings.length) return [];
  return [`<h2>Warnings (they do not fail verify)</h2>`, list(warnings.map(problemText))];
}

function passedLine(skipped: number): string {
  if (!skipped) return '<p class="ok">Every check passed.</p>';
  return `<p class="ok">Every check that ran passed; ${skipped === 1 ? '1 could' : `${skipped} could`} not run.</p>`;
}

function problemText(p: Problem): string {
  return esc(p.line ? `line ${p.line}: ${p.message}` : p.message);
}

function table(header: readonly string[], rows: readonly string[][], highlight: readonly boolean[] = []): string {
  const head = `<tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r, i) => `<tr${highlight[i] ? ' class="changed"' : ''}>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

function list(items: readonly string[]): string {
  return `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A whole page: no scripts, styles only inline, colours from the theme. */
export function page(report: Report, cspSource: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<title>${esc(report.title)}</title>
<style>
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 20px; }
  h1 { font-size: 1.4em; font-weight: 600; }
  h2 { font-size: 1.1em; font-weight: 600; margin-top: 1.4em; }
  .note { color: var(--vscode-descriptionForeground); }
  table { border-collapse: collapse; margin: 0.5em 0; }
  th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, #8884)); vertical-align: top; }
  th { font-weight: 600; color: var(--vscode-descriptionForeground); }
  tr.changed td { background: var(--vscode-list-hoverBackground); }
  .ok { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
  .fail { color: var(--vscode-errorForeground); }
  .tag { font-size: 0.85em; padding: 0 4px; border-radius: 3px; border: 1px solid currentColor; color: var(--vscode-descriptionForeground); }
  .tag.fail { color: var(--vscode-errorForeground); }
  .fix { margin-top: 4px; color: var(--vscode-descriptionForeground); }
  code { font-family: var(--vscode-editor-font-family); }
</style>
</head>
<body>
${report.body}
</body>
</html>
`;
}
