import * as vscode from 'vscode';
import * as engine from '../core/engine';
import { engineLabel, reportLines } from '../core/engine/facts';
import type { MigrationsModel } from './model';
import { pickFolder } from './pick';
import type { Reporter } from './report';

/** "Show Engine": which SQLite runs this folder's migrations, and what the native probe found. */
export function registerShowEngine(model: MigrationsModel, reporter: Reporter, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('sqliteMigrations.showEngine', async (arg?: unknown) => {
    const folder = await pickFolder(arg);
    if (!folder) return undefined;
    const report = await model.query(folder, (config, options) => engine.describeEngine(config, options));
    if (!report.ok) {
      await reporter.outcome('Show Engine', report);
      return undefined;
    }
    for (const line of reportLines(report.value)) log.info(line);
    log.show(true);
    void vscode.window.showInformationMessage(`SQLite Migrations engine: ${engineLabel(report.value.engine, report.value.facts)}`);
    return report.value;
  });
}
