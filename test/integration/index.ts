// The entry point a VS Code extension host calls to run the integration suite: the same
// `run()` serves the code-server host (test/host/run-tests.js) and @vscode/test-electron.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

// test/host/browser.js echoes the workbench console from the start marker up to the summary line: keep them in step.
const SUITE_START_MARKER = 'Running integration tests:';

/**
 * Tests whose title contains this tag need a workspace in Restricted Mode; all others need it trusted.
 * Each run of the host opens one kind of workspace and runs the matching half (test/host runs both).
 */
const UNTRUSTED_TAG = '@untrusted';

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

/** Selects the tests for this workspace's trust, narrowed by INTEGRATION_GREP when set. */
function testFilter(trusted: boolean): RegExp {
  const tag = escapeRegExp(UNTRUSTED_TAG);
  const trust = trusted ? `(?!.*${tag})` : `(?=.*${tag})`;
  const grep = process.env.INTEGRATION_GREP ? `(?=.*${escapeRegExp(process.env.INTEGRATION_GREP)})` : '';
  return new RegExp(`^${trust}${grep}`);
}

export function run(): Promise<void> {
  const trusted = vscode.workspace.isTrusted;
  const label = trusted ? 'integration' : 'integration-untrusted';
  const mocha = new Mocha({ ui: 'tdd', color: true, timeout: 60_000, reporter: 'spec', grep: testFilter(trusted) });
  const files = testFiles(__dirname);
  for (const file of files) mocha.addFile(file);
  const workspace = trusted ? 'a trusted workspace' : 'an untrusted workspace (Restricted Mode)';
  console.log(`${SUITE_START_MARKER} ${files.length} file(s) from ${__dirname} in ${workspace}`);
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
