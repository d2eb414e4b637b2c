// The verify report is plain HTML from a result (no vscode import), so it is rendered here directly.
import * as assert from 'node:assert/strict';
import type { OperationResult } from '../../../src/core/engine';
import type { CheckResult } from '../../../src/core/run/integrity';
import { verifyReport } from '../../../src/vscode/reportHtml';

const ran: CheckResult = { name: 'integrity_check', ok: true, detail: 'ok' };
const notCompared: CheckResult = { name: 'schema_drift', ok: true, skipped: true, detail: 'not compared: no such module: fts5' };

function render(checks: CheckResult[]): string {
  return verifyReport('app', { engine: 'sqljs', checks } as unknown as OperationResult, []).body;
}

describe('vscode: verify report', () => {
  it('gives a check that could not run a dash, not a check mark, and does not call it passed', () => {
    const body = render([ran, notCompared]);
    const driftRow = body.split('<tr>').find((row) => row.includes('schema drift'));
    assert.ok(driftRow, body);
    assert.doesNotMatch(driftRow, /✓/);
    assert.match(driftRow, /–/);
    assert.match(driftRow, /not compared: no such module: fts5/);
    assert.match(body, /Every check that ran passed; 1 could not run\./);
  });

  it('says every check passed when each one ran', () => {
    const body = render([ran]);
    assert.match(body, /Every check passed\./);
    assert.doesNotMatch(body, /could not run/);
    assert.doesNotMatch(body, /Warnings/);
  });

  it('lists the warnings that do not fail verify under "every check passed", and says what the drift check looks at', () => {
    const note = { code: 'breaking-change', severity: 'warning', message: '004_x.sql:3: makes column tasks.title NOT NULL' };
    const body = verifyReport('app', { engine: 'sqljs', checks: [ran, { name: 'schema_drift', ok: true, detail: 'same' }], notes: [note] } as unknown as OperationResult, []).body;
    assert.match(body, /Every check passed\.[^]*<h2>Warnings \(they do not fail verify\)<\/h2>\n<ul><li>004_x\.sql:3: makes column tasks\.title NOT NULL<\/li><\/ul>/);
    const driftRow = body.split('<tr>').find((row) => row.includes('schema drift'));
    assert.match(driftRow ?? '', /replayed on an empty database/);
  });
});
