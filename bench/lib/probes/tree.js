'use strict';
// Child process: building the tree for N migrations with the real tree provider (compiled from
// src/vscode/tree.ts) over the vscode stub, plus the steps that feed it (mergeStatus) and the CLI's
// statusJson mapping. The stub's TreeItem is a plain object: VS Code's own rendering is not included.
const path = require('path');
const { performance } = require('perf_hooks');
const { installVscodeStub } = require('./vscode-stub');

const [out, countText, repsText] = process.argv.slice(2);
const count = Number(countText);
const reps = Number(repsText);
installVscodeStub({ folders: ['/bench/workspace'] });
const { mergeStatus } = require(path.join(out, 'src', 'core', 'ledger', 'status.js'));
const { statusJson } = require(path.join(out, 'src', 'cli', 'json.js'));
const { MigrationsTree } = require(path.join(out, 'src', 'vscode', 'tree.js'));

function fixtures() {
  const migrations = [];
  const rows = [];
  for (let i = 1; i <= count; i++) {
    const version = String(i).padStart(5, '0');
    const checksum = i.toString(16).padStart(64, 'a');
    migrations.push({ sequence: i, sequenceText: version, slug: `step_${i}`, name: `${version}_step_${i}`, version, description: `Step ${i}`, upPath: `/bench/workspace/migrations/${version}_step_${i}.sql`, downPath: `/bench/workspace/migrations/${version}_step_${i}.down.sql`, sql: 'SELECT 1;', checksum });
    // Most applied, some modified since, the last tenth pending.
    if (i <= count * 0.9) {
      rows.push({ id: i, version, description: `Step ${i}`, appliedAt: '2024-01-01 00:00:00', checksum: i % 50 === 0 ? 'f'.repeat(64) : checksum, executionTimeMs: 3, status: 'applied' });
    }
  }
  return { migrations, rows };
}

function medianOf(fn) {
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main() {
  const { migrations, rows } = fixtures();
  const merge = medianOf(() => mergeStatus(migrations, rows, new Map()));
  const states = mergeStatus(migrations, rows, new Map());
  const json = medianOf(() => JSON.stringify(statusJson({ states })));
  const folder = { uri: { fsPath: '/bench/workspace', toString: () => 'file:///bench/workspace' }, name: 'workspace', index: 0 };
  const model = { folders: async () => [{ folder, states, problems: [], errors: [] }], onDidChange: () => ({ dispose() {} }) };
  const tree = new MigrationsTree(model);
  const times = [];
  let items = 0;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const nodes = await tree.getChildren();
    items = nodes.map((n) => tree.getTreeItem(n)).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ count, mergeStatusMs: merge, statusJsonMs: json, treeMs: times[Math.floor(times.length / 2)], items }) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack) + '\n');
  process.exit(1);
});
