import * as path from 'path';
import * as vscode from 'vscode';
import type { OperationResult } from '../core/engine';
import { engineLabel } from '../core/engine/facts';
import type { Problem, Result } from '../core/model';
import { fileLabel } from '../core/migrations/label';

/**
 * Shows what an operation did: details go to the log channel, a failure becomes an error message
 * whose button opens the failing file at the failing line.
 */
export class Reporter {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  async outcome(title: string, result: Result<unknown, Problem[]>): Promise<boolean> {
    if (!result.ok) {
      for (const p of result.error) this.logProblem(p);
      void this.showFailure(`${title} failed: ${result.error[0].message}`, result.error[0]);
      return false;
    }
    if (!isOperationResult(result.value)) return true;
    const r = result.value;
    this.log.info(`${title}: engine ${engineLabel(r.engine)}`);
    for (const p of [...r.notes, ...r.outcomes.flatMap((o) => o.warnings)]) this.logProblem(p);
    for (const o of r.outcomes) {
      this.log.info(`${o.name} (${o.version}) ${o.direction === 'up' ? 'apply' : 'roll back'}: ${o.ok ? `ok in ${o.executionTimeMs} ms` : o.refused ? 'REFUSED (nothing was run)' : 'FAILED'}`);
    }
    if (r.backup) this.log.info(`Backup written to ${r.backup.path}`);
    const failed = r.outcomes.find((o) => !o.ok);
    if (failed?.error) {
      this.logProblem(failed.error);
      // Refused before it ran (a statement the runner cannot run, a module the engine lacks): nothing "failed".
      void this.showFailure(`${failed.name} ${failed.refused ? 'was refused' : 'failed'}: ${failed.error.message}`, failed.error);
      return false;
    }
    // It worked, but with something the user must know (a baseline whose schema differs): not only in the log.
    const warning = [...r.notes, ...r.outcomes.flatMap((o) => o.warnings)].find((n) => n.severity === 'warning');
    if (warning) void vscode.window.showWarningMessage(this.relative(`${title}: ${warning.message}`));
    else if (r.written) void vscode.window.showInformationMessage(this.relative(done(r)));
    return true;
  }

  /** A line in the output channel only. */
  logLine(message: string): void {
    this.log.info(message);
  }

  info(message: string): void {
    this.log.info(message);
    void vscode.window.showInformationMessage(this.relative(message));
  }

  /** An action refused before it ran (the log gets the message too). */
  refuse(message: string, problem: Problem): void {
    this.logProblem({ ...problem, message });
    void this.showFailure(message, problem);
  }

  /** Paths inside the workspace as the Explorer shows them; the log keeps them whole. */
  relative(message: string): string {
    let out = message;
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const f of [...folders].sort((a, b) => b.uri.fsPath.length - a.uri.fsPath.length)) {
      const prefix = f.uri.fsPath.endsWith(path.sep) ? f.uri.fsPath : f.uri.fsPath + path.sep;
      out = out.split(prefix).join(folders.length > 1 ? `${f.name}${path.sep}` : '');
    }
    return out;
  }

  logProblem(p: Problem): void {
    const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : '';
    const line = `${where}${p.file ? withoutOwnName(p.message, p.file) : p.message}`;
    if (p.severity === 'error') this.log.error(line);
    else if (p.severity === 'warning') this.log.warn(line);
    else this.log.info(line);
  }

  private async showFailure(message: string, problem: Problem): Promise<void> {
    const actions = problem.file ? ['Open File', 'Show Output'] : ['Show Output'];
    const choice = await vscode.window.showErrorMessage(this.relative(message), ...actions);
    if (choice === 'Open File' && problem.file) {
      const line = Math.max(0, (problem.line ?? 1) - 1);
      await vscode.window.showTextDocument(vscode.Uri.file(problem.file), { selection: new vscode.Range(line, 0, line, 0) });
    } else if (choice === 'Show Output') {
      this.log.show(true);
    }
  }
}

/** A message that starts by naming its own file ("003_x.sql:4: ...") after the log line's path said it already. */
function withoutOwnName(message: string, file: string): string {
  for (const name of [file, fileLabel(file)]) {
    if (message.startsWith(name)) return message.slice(name.length).replace(/^(:\d+)?:?\s*/, '');
  }
  return message;
}

/** One line for a change that worked: what changed, and where its backup is. */
function done(r: OperationResult): string {
  const ran = r.outcomes.filter((o) => o.ok);
  const up = ran.filter((o) => o.direction === 'up').map((o) => o.name);
  const down = ran.filter((o) => o.direction === 'down').map((o) => o.name);
  const what = [
    up.length ? `Applied ${up.join(', ')}` : '',
    down.length ? `Rolled back ${down.join(', ')}` : '',
  ].filter(Boolean);
  const said = what.length ? `${what.join('; ')}.` : (r.notes.find((n) => n.code === 'baselined')?.message ?? 'Done.');
  return r.backup ? `${said} Backup: ${r.backup.path}` : said;
}

function isOperationResult(value: unknown): value is OperationResult {
  return typeof value === 'object' && value !== null && 'outcomes' in value && 'engine' in value;
}
