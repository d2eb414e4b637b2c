// The entry point a VS Code extension host calls to run the integration suite: the same
// `run()` serves the code-server host (test/host/run-tests.js) and @vscode/test-electron.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

// test/host/browser.js echoes the workbench console from the start marker up to the summary line: keep them in step.
const SUITE_START_MARKER = 'Running integration tests:';

/**
 * Tests whose title contains a tag need the workspace it names; tests without it need the opposite.
 * Each run of the host opens one kind of workspace and runs the tests that match it (test/host/run-tests.js
 * runs every kind some test asks for, and looks for these same strings in the compiled tests).
 * @untrusted: a folder in Restricted Mode. @multiroot: a .code-workspace with several folders.
 */
const UNTRUSTED_TAG = '@untrusted';
const MULTIROOT_TAG = '@multiroot';

/** What the open workspace is, as far as the tags are concerned. */
interface WorkspaceKind {
  readonly untrusted: boolean;
  readonly multiroot: boolean;
}

/** Every compiled test file under this folder, sorted so the order is the same on every machine. */
function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .sort()
    .map((name) => path.join(dir, name));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function openWorkspaceKind(): WorkspaceKind {
  return { untrusted: !vscode.workspace.isTrusted, multiroot: vscode.workspace.workspaceFile !== undefined };
}

/** Selects the tests for this kind of workspace, narrowed by INTEGRATION_GREP when set. */
function testFilter(kind: WorkspaceKind): RegExp {
  const tagged = (tag: string, wanted: boolean) => (wanted ? `(?=.*${escapeRegExp(tag)})` : `(?!.*${escapeRegExp(tag)})`);
  const grep = process.env.INTEGRATION_GREP ? `(?=.*${escapeRegExp(process.env.INTEGRATION_GREP)})` : '';
  return new RegExp(`^${tagged(UNTRUSTED_TAG, kind.untrusted)}${tagged(MULTIROOT_TAG, kind.multiroot)}${grep}`);
}

/** The summary line's name, which the host's totals and CI read: integration[-sqljs][-multiroot][-untrusted]. */
function suiteLabel(kind: WorkspaceKind): string {
  const sqljs = vscode.workspace.getConfiguration('sqliteMigrations').get('engine') === 'sqljs';
  return `integration${sqljs ? '-sqljs' : ''}${kind.multiroot ? '-multiroot' : ''}${kind.untrusted ? '-untrusted' : ''}`;
}

function describeWorkspace(kind: WorkspaceKind): string {
  const shape = kind.multiroot ? `a multi-root workspace (${vscode.workspace.workspaceFolders?.length ?? 0} folders)` : 'a workspace';
  return kind.untrusted ? `${shape}, untrusted (Restricted Mode)` : `${shape}, trusted`;
}

export function run(): Promise<void> {
  const kind = openWorkspaceKind();
  const label = suiteLabel(kind);
  const mocha = new Mocha({ ui: 'tdd', color: true, timeout: 60_000, reporter: 'spec', grep: testFilter(kind) });
  const files = testFiles(__dirname);
  for (const file of files) mocha.addFile(file);
  console.log(`${SUITE_START_MARKER} ${files.length} file(s) from ${__dirname} in ${describeWorkspace(kind)}`);
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const { passes, pending } = runner.stats ?? { passes: 0, pending: 0 };
        // The plain closing line CI reads, whichever host ran the suite.
        console.log(`${label}: ${passes} passed, ${failures} failed, ${pending} skipped`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
