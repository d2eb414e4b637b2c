// Runs the Testing view's selected items: the core suite (`sqlite-migrations test`) for each folder involved, on a
// scratch in-memory database in the engine's worker thread or child process, never the workspace database. The
// suite always replays every migration (each test needs the state before it); only the selected items are reported.
import * as vscode from 'vscode';
import * as engine from '../core/engine';
import { fileLabel } from '../core/migrations/label';
import type { Problem } from '../core/model';
import type { SuiteReport, SuiteTest } from '../core/testing/suite';
import { UNTRUSTED, type MigrationsModel } from './model';
import type { ItemData } from './testExplorer';

export type RunState = 'passed' | 'failed' | 'errored' | 'skipped';

/** What one item reported, for the integration tests (the Testing view shows the same). */
export interface RunRecord {
  readonly id: string;
  readonly state: RunState;
  readonly messages: { readonly message: string; readonly file?: string; readonly line?: number; readonly expected?: string; readonly actual?: string }[];
}

type Message = RunRecord['messages'][number];

export async function runMigrationTests(
  controller: vscode.TestController,
  model: MigrationsModel,
  dataOf: (item: vscode.TestItem) => ItemData | undefined,
  request: vscode.TestRunRequest,
  token: vscode.CancellationToken,
): Promise<RunRecord[]> {
  const run = controller.createTestRun(request, 'Migration tests');
  const records: RunRecord[] = [];
  const report = (item: vscode.TestItem, state: RunState, messages: Message[] = []) => {
    records.push({ id: item.id, state, messages });
    const shown = messages.map(testMessage);
    if (state === 'passed') run.passed(item);
    else if (state === 'skipped') run.skipped(item);
    else if (state === 'failed') run.failed(item, shown);
    else run.errored(item, shown);
  };
  try {
    const byFolder = new Map<vscode.WorkspaceFolder, { item: vscode.TestItem; data: ItemData }[]>();
    for (const item of selected(controller, request)) {
      const data = dataOf(item);
      if (!data) continue;
      byFolder.set(data.folder, [...(byFolder.get(data.folder) ?? []), { item, data }]);
      run.enqueued(item);
    }
    for (const [folder, items] of byFolder) {
      if (token.isCancellationRequested) break;
      for (const { item } of items) run.started(item);
      if (!vscode.workspace.isTrusted) {
        for (const { item } of items) report(item, 'errored', [{ message: UNTRUSTED.message }]);
        continue;
      }
      const outcome = await model.query(folder, (config, options) => engine.testMigrations(config, false, options));
      if (!outcome.ok) {
        for (const { item } of items) report(item, 'errored', outcome.error.map(problemMessage));
        continue;
      }
      const suite = outcome.value.suite ?? { tests: [], reversibility: [], failures: [], problems: [] };
      for (const { item, data } of items) {
        const [state, messages] = judge(suite, data);
        report(item, state, messages);
      }
    }
  } finally {
    run.end();
  }
  return records;
}

/** The items asked for and everything under them, less the excluded ones. */
function selected(controller: vscode.TestController, request: vscode.TestRunRequest): vscode.TestItem[] {
  const excluded = new Set(request.exclude ?? []);
  const out: vscode.TestItem[] = [];
  const add = (item: vscode.TestItem) => {
    if (excluded.has(item) || out.includes(item)) return;
    out.push(item);
    item.children.forEach(add);
  };
  if (request.include) request.include.forEach(add);
  else controller.items.forEach(add);
  return out;
}

function judge(suite: SuiteReport, data: ItemData): [RunState, Message[]] {
  const unusable = data.file ? suite.problems.find((p) => p.file === data.file) : undefined;
  if (unusable) return ['errored', [problemMessage(unusable)]];
  if (data.kind === 'assertion') {
    const t = suite.tests.find((x) => x.file === data.file && x.line === data.line);
    if (t) return [t.status, t.status === 'passed' ? [] : [testResultMessage(t)]];
  } else if (data.kind === 'file') {
    const mine = suite.tests.filter((x) => x.file === data.file);
    if (mine.length) {
      const failed = mine.filter((x) => x.status === 'failed');
      return failed.length ? ['failed', failed.map(testResultMessage)] : ['passed', []];
    }
  } else {
    const r = suite.reversibility.find((x) => x.migration === data.migration);
    if (r) return r.status === 'passed' ? ['passed', []] : ['failed', r.differences.map((d) => ({ message: d }))];
  }
  // No result: this migration failed to apply, or the replay stopped before it.
  const own = suite.failures.find((p) => p.file === data.upPath);
  if (own) return ['errored', [problemMessage(own)]];
  const earlier = suite.failures[0] ?? suite.problems[0];
  return ['skipped', earlier ? [{ message: `Not run: ${earlier.message}` }] : []];
}

function testResultMessage(t: SuiteTest): Message {
  const what = `${fileLabel(t.file)}:${t.line}: ${t.name}: expected ${t.expected}, actual ${t.actual}`;
  return { message: what, file: t.file, line: t.line, expected: t.expected, actual: t.actual };
}

function problemMessage(p: Problem): Message {
  return { message: p.message, ...(p.file ? { file: p.file } : {}), ...(p.line ? { line: p.line } : {}) };
}

/** Expected and actual as a diff where there are both; placed at the statement's line. */
function testMessage(m: Message): vscode.TestMessage {
  const message = m.expected !== undefined && m.actual !== undefined ? vscode.TestMessage.diff(m.message, m.expected, m.actual) : new vscode.TestMessage(m.message);
  if (m.file) message.location = new vscode.Location(vscode.Uri.file(m.file), new vscode.Position(Math.max(0, (m.line ?? 1) - 1), 0));
  return message;
}
