import * as vscode from 'vscode';
import { engineLabel } from '../core/engine/facts';
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
    const folders = (await this.model.folders()).filter((f) => f.states.length > 0);
    if (folders.length === 0) {
      this.item.hide();
      return;
    }
    const states = folders.flatMap((f) => f.states);
    const pending = states.filter((s) => s.status === 'pending').length;
    const applied = states.filter((s) => s.status === 'applied' || s.status === 'modified');
    const version = applied.length ? applied[applied.length - 1].version : 'empty';
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
