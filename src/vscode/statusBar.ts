import * as vscode from 'vscode';
import { engineLabel } from '../core/engine/facts';
import { summarize, type StatusSummary, type SummaryState } from '../core/ledger/summary';
import type { FolderStatus, MigrationsModel } from './model';
import type { DriftSource } from './drift';

/** Most urgent first: with several folders, the bar shows the worst. */
const ORDER: readonly SummaryState[] = ['problems', 'failed', 'modified', 'pending', 'up to date'];

const ICON: Record<SummaryState, string> = {
  problems: '$(error)',
  failed: '$(error)',
  modified: '$(warning)',
  pending: '$(database)',
  'up to date': '$(database)',
};

/**
 * The database's version and state in the status bar, and the same count as the views' badge, both from
 * one `summarize` per folder; a click applies what is pending or shows the view.
 */
export class MigrationsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('sqliteMigrations.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly model: MigrationsModel,
    private readonly views: readonly vscode.TreeView<unknown>[] = [],
    private readonly drift?: DriftSource,
    /** Views whose description names the selected environment (both; the badge goes on `views` only). */
    private readonly described: readonly vscode.TreeView<unknown>[] = views,
  ) {
    this.item.name = 'SQLite Migrations';
    this.subscriptions = [model.onDidChange(() => void this.update()), ...(drift ? [drift.onDidChange(() => void this.update())] : [])];
  }

  async update(): Promise<void> {
    const all = await this.model.folders();
    this.describe(all);
    const failed = all.find((f) => f.errors.length > 0);
    if (failed) {
      this.item.text = '$(error) Migrations: error';
      this.item.tooltip = `${failed.folder.name}: ${failed.errors[0].message}`;
      this.item.command = 'sqliteMigrations.migrations.focus';
      this.setBadge(1, `${failed.folder.name}: the status could not be read`);
      this.item.show();
      return;
    }
    const folders = all.filter((f) => f.states.length > 0 || f.problems.some((p) => p.severity === 'error'));
    if (folders.length === 0) {
      this.item.hide();
      this.setBadge(0, '');
      return;
    }
    const summaries = folders.map((f) => ({ folder: f, summary: summarize(f.states, f.problems) }));
    const worst = [...summaries].sort((a, b) => ORDER.indexOf(a.summary.state) - ORDER.indexOf(b.summary.state))[0].summary;
    const version = summaries.length === 1 ? (worst.version ?? 'empty') : summaries.map((s) => s.summary.version ?? 'empty').join(', ');
    const envs = [...new Set(summaries.flatMap((s) => (s.folder.config?.environment ? [s.folder.config.environment.name] : [])))];
    this.item.text = `${ICON[worst.state]} ${envs.length ? `${envs.join(', ')} · ` : ''}${version} · ${worst.label}`;
    this.item.tooltip = summaries.map((s) => folderTooltip(s.folder, s.summary, summaries.length > 1, this.drift)).join('\n\n');
    const applicable = worst.state === 'pending' || worst.state === 'failed';
    this.item.command = applicable ? 'sqliteMigrations.applyPending' : 'sqliteMigrations.migrations.focus';
    const badge = summaries.reduce((n, s) => n + s.summary.badge, 0);
    this.setBadge(badge, summaries.map((s) => `${s.folder.folder.name}: ${s.summary.label}`).join('; '));
    this.item.show();
  }

  /**
   * The selected environment (per folder when they differ) beside the view's title; without environments, the
   * database file the view is about, when there is one folder (with several, each folder's row says it).
   */
  private describe(all: readonly FolderStatus[]): void {
    const named = all.filter((f) => f.config?.environment);
    const single = all.length === 1 && all[0].config ? vscode.workspace.asRelativePath(all[0].config.databaseFile) : undefined;
    const text = named.length === 0 ? single
      : new Set(named.map((f) => f.config!.environment!.name)).size === 1 && named.length === all.length ? named[0].config!.environment!.name
        : named.map((f) => `${f.folder.name}: ${f.config!.environment!.name}`).join(', ');
    for (const view of this.described) view.description = text;
  }

  private setBadge(value: number, tooltip: string): void {
    for (const view of this.views) view.badge = value > 0 ? { value, tooltip } : undefined;
  }

  get text(): string {
    return this.item.text;
  }

  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : (this.item.tooltip?.value ?? '');
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}

function folderTooltip(status: FolderStatus, summary: StatusSummary, named: boolean, drift?: DriftSource): string {
  const db = status.config ? vscode.workspace.asRelativePath(status.config.databaseFile, named) : 'the database';
  const env = status.config?.environment ? ` (environment: ${status.config.environment.name})` : '';
  const head = `${db}${env}: ${summary.version ? `version ${summary.version}` : 'empty'}, ${summary.label}`;
  const engine = status.engine ? `Engine: ${engineLabel(status.engine)}` : undefined;
  const action = summary.state === 'pending' || summary.state === 'failed' ? 'Click to apply.' : undefined;
  const n = drift?.forFolder(status.folder)?.comparison.differences.length;
  const drifted = n ? `Schema drift: ${n} difference${n === 1 ? '' : 's'} from what the applied migrations produce (see the tree).` : undefined;
  return [head, ...summary.lines, drifted, engine, action].filter((l) => l !== undefined).join('\n');
}
