// The Testing view: one item per migration test file with a child per assertion at its line, and a "reversible"
// item per migration with a down file. Items are rebuilt from the files whenever the model hears of a change;
// running them is testRun.ts's.
import { promises as fsp } from 'fs';
import * as vscode from 'vscode';
import { discoverMigrations } from '../core/migrations/catalog';
import { decodeSqlText } from '../core/migrations/checksum';
import { fileLabel } from '../core/migrations/label';
import type { Migration } from '../core/model';
import { parseTestFile, type TestStep } from '../core/testing/parse';
import { KeyedDebouncer } from './debounce';
import type { MigrationsModel } from './model';
import { folderConfig } from './settings';
import { runMigrationTests, type RunRecord } from './testRun';

/** What an item stands for; the run maps the suite's results back through it. */
export interface ItemData {
  readonly kind: 'file' | 'assertion' | 'reversible';
  readonly folder: vscode.WorkspaceFolder;
  /** The migration's name, e.g. "002_add_task_tags". */
  readonly migration: string;
  /** Its up file, which names it in a failure to apply it. */
  readonly upPath: string;
  /** The test file (file and assertion items). */
  readonly file?: string;
  /** 1-based line of the assertion's statement, where the suite reports it. */
  readonly line?: number;
}

/** A snapshot of the items for the integration tests: ids, labels and lines, nested as shown. */
export interface ItemSnapshot {
  readonly id: string;
  readonly label: string;
  readonly line?: number;
  readonly error?: string;
  readonly children: ItemSnapshot[];
}

export class MigrationTestExplorer implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('sqliteMigrations.tests', 'SQLite Migrations');
  readonly data = new WeakMap<vscode.TestItem, ItemData>();
  private readonly disposables: vscode.Disposable[] = [this.controller];
  private readonly debounce: KeyedDebouncer<string>;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly model: MigrationsModel, delayMs = 300) {
    this.debounce = new KeyedDebouncer(delayMs);
    this.controller.refreshHandler = () => this.refresh();
    this.controller.createRunProfile('Run migration tests', vscode.TestRunProfileKind.Run, async (request, token) => void (await this.run(request, token)), true);
    // A change to a migrations folder (the watchers) or a settings change reaches the model; the items follow it.
    this.disposables.push(model.onDidChange(() => this.debounce.trigger('refresh', () => void this.refresh())), this.debounce);
    void this.refresh();
  }

  /** Re-reads every folder's migrations and test files; one refresh at a time, in order. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.rebuild()).catch(() => undefined);
    return this.refreshing;
  }

  /** Runs the items (all when `include` is absent) as the Testing view would, and returns what each reported. */
  async runItems(ids?: readonly string[]): Promise<RunRecord[]> {
    await this.refreshing;
    const include = ids?.map((id) => this.find(id) ?? missing(id));
    const request = new vscode.TestRunRequest(include);
    const source = new vscode.CancellationTokenSource();
    try {
      return await this.run(request, source.token);
    } finally {
      source.dispose();
    }
  }

  snapshot(): ItemSnapshot[] {
    const walk = (items: vscode.TestItemCollection): ItemSnapshot[] => {
      const out: ItemSnapshot[] = [];
      items.forEach((item) => {
        const error = typeof item.error === 'string' ? item.error : item.error?.value;
        out.push({ id: item.id, label: item.label, ...(item.range ? { line: item.range.start.line + 1 } : {}), ...(error ? { error } : {}), children: walk(item.children) });
      });
      // As the view orders them: files and migrations by name, assertions by line.
      return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.id.localeCompare(b.id));
    };
    return walk(this.controller.items);
  }

  private run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<RunRecord[]> {
    return runMigrationTests(this.controller, this.model, (item) => this.data.get(item), request, token);
  }

  private find(id: string): vscode.TestItem | undefined {
    let found: vscode.TestItem | undefined;
    const walk = (items: vscode.TestItemCollection) =>
      items.forEach((item) => {
        if (item.id === id) found = item;
        else walk(item.children);
      });
    walk(this.controller.items);
    return found;
  }

  private async rebuild(): Promise<void> {
    const items: vscode.TestItem[] = [];
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const folder of folders) {
      const config = folderConfig(folder);
      if (!config.ok) continue;
      const catalog = await discoverMigrations(config.value.migrationsFolder, undefined, config.value.layout);
      for (const m of catalog.migrations) items.push(...(await this.migrationItems(folder, m, folders.length > 1)));
    }
    this.controller.items.replace(items);
  }

  private async migrationItems(folder: vscode.WorkspaceFolder, m: Migration, named: boolean): Promise<vscode.TestItem[]> {
    const items: vscode.TestItem[] = [];
    // Sorted by the migration, then the test file before the reversibility check, as the suite runs them.
    const order = `${m.sequence.toString().padStart(20, '0')} ${m.name}`;
    if (m.testPath) {
      const item = this.controller.createTestItem(`test:${m.testPath}`, fileLabel(m.testPath), vscode.Uri.file(m.testPath));
      item.sortText = `${order} 1`;
      if (named) item.description = folder.name;
      this.data.set(item, { kind: 'file', folder, migration: m.name, upPath: m.upPath, file: m.testPath });
      await this.addAssertions(item, folder, m, m.testPath);
      items.push(item);
    }
    if (m.downPath !== undefined || m.downSql !== undefined) {
      const item = this.controller.createTestItem(`reversible:${m.upPath}`, `${m.name}: reversible`, vscode.Uri.file(m.downPath ?? m.upPath));
      item.range = new vscode.Range(0, 0, 0, 0);
      item.sortText = `${order} 2`;
      item.description = named ? `${folder.name}: down undoes up` : 'down undoes up';
      this.data.set(item, { kind: 'reversible', folder, migration: m.name, upPath: m.upPath });
      items.push(item);
    }
    return items;
  }

  /** One child per annotated statement, its range from the annotation to the statement; a file that does not parse says why. */
  private async addAssertions(item: vscode.TestItem, folder: vscode.WorkspaceFolder, m: Migration, file: string): Promise<void> {
    let text: string;
    try {
      const decoded = decodeSqlText(await fsp.readFile(file), file);
      if (!decoded.ok) return void (item.error = decoded.error.message);
      text = decoded.value;
    } catch (e) {
      return void (item.error = `${fileLabel(file)} cannot be read: ${(e as Error).message}`);
    }
    const parsed = parseTestFile(text, file, fileLabel(file));
    if (!parsed.ok) return void (item.error = parsed.error.message);
    for (const step of parsed.value.steps) {
      if (!step.expect) continue;
      const child = this.controller.createTestItem(`${file}:${step.line}`, assertionLabel(step), item.uri);
      child.range = new vscode.Range(step.expect.line - 1, 0, step.line - 1, 0);
      child.sortText = String(step.line).padStart(8, '0');
      this.data.set(child, { kind: 'assertion', folder, migration: m.name, upPath: m.upPath, file, line: step.line });
      item.children.add(child);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function assertionLabel(step: TestStep): string {
  const e = step.expect!;
  return e.value ? `${e.kind}: ${e.value}` : e.kind;
}

function missing(id: string): never {
  throw new Error(`no test item ${id}`);
}
