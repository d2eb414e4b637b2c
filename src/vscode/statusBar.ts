import * as vscode from 'vscode';
import { engineLabel } from '../core/engine/facts';
import { lastApplied, toApply } from '../core/ledger/status';
import type { MigrationsModel } from './model';

/** Shows the database's version and how many migrations are pending; a click applies them or shows the view. */
export class MigrationsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('sqliteMigrations.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly model: MigrationsModel) {
    this.item.name = 'SQLite Migrations';
    this.subscriptions = [model.onDidChange(() => void this.update())];
  }

  async update(): Promise<void> {
    const all = await this.model.folders();
    const failed = all.find((f) => f.errors.length > 0);
    if (failed) {
      this.item.text = '$(warning) Migrations: error';
      this.item.tooltip = `${failed.folder.name}: ${failed.errors[0].message}`;
      this.item.command = 'sqliteMigrations.migrations.focus';
      this.item.show();
      return;
    }
    const folders = all.filter((f) => f.states.length > 0);
    if (folders.length === 0) {
      this.item.hide();
      return;
    }
    const pending = folders.reduce((n, f) => n + toApply(f.states).length, 0);
    const versions = folders.map((f) => lastApplied(f.states)?.version).filter((v) => v !== undefined);
    const version = versions.length ? versions.join(', ') : 'empty';
    this.item.text = `$(database) ${version}${pending ? ` · ${pending} pending` : ''}`;
    const engines = [...new Set(folders.map((f) => f.engine).filter((e) => e !== undefined))];
    const engineLine = engines.length ? `\nEngine: ${engines.map((e) => engineLabel(e)).join(', ')}` : '';
    this.item.tooltip = (pending ? `Database at ${version}; ${pending} pending migration(s). Click to apply them.` : `Database at ${version}; up to date.`) + engineLine;
    this.item.command = pending ? 'sqliteMigrations.applyPending' : 'sqliteMigrations.migrations.focus';
    this.item.show();
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
