'use strict';
// Child process: times requiring the extension bundle and calling activate() with the vscode stub,
// and records whether sql.js's wasm was read, compiled or instantiated on this (the extension
// host's) thread, and how many worker threads started. Prints one JSON line.
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const workerThreads = require('worker_threads');
const { installVscodeStub } = require('./vscode-stub');

const [extensionPath, folder] = process.argv.slice(2);
const seen = { wasmReads: 0, wasmCompiles: 0, workers: 0 };

function hook(obj, name, count) {
  const original = obj[name];
  obj[name] = function (...args) {
    count(args);
    return original.apply(this, args);
  };
}
const isWasm = (p) => typeof p === 'string' && p.endsWith('.wasm');
hook(fs, 'readFileSync', (a) => isWasm(a[0]) && seen.wasmReads++);
hook(fs, 'readFile', (a) => isWasm(a[0]) && seen.wasmReads++);
hook(fs.promises, 'readFile', (a) => isWasm(a[0]) && seen.wasmReads++);
for (const name of ['compile', 'instantiate', 'instantiateStreaming', 'compileStreaming']) hook(WebAssembly, name, () => seen.wasmCompiles++);
const RealWorker = workerThreads.Worker;
workerThreads.Worker = class extends RealWorker {
  constructor(...args) {
    super(...args);
    seen.workers++;
  }
};

async function main() {
  const settings = folder ? { databaseFile: 'data/app.db', migrationsFolder: 'migrations' } : {};
  installVscodeStub({ folders: folder ? [folder] : [], settings });
  const t0 = performance.now();
  const ext = require(extensionPath);
  const t1 = performance.now();
  const context = { subscriptions: [], extensionUri: { fsPath: path.dirname(path.dirname(extensionPath)) }, extension: { id: 'bench.sqlite-migrations' } };
  const api = ext.activate(context);
  const t2 = performance.now();
  const duringActivation = { ...seen };
  let firstStatusMs = null;
  let migrations = null;
  if (folder) {
    const folders = await api.model.folders();
    firstStatusMs = performance.now() - t2;
    migrations = folders[0].states.length;
  }
  await new Promise((r) => setTimeout(r, 20));
  for (const d of context.subscriptions) d.dispose();
  process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, duringActivation, afterFirstStatus: { ...seen }, firstStatusMs, migrations }) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack) + '\n');
  process.exit(1);
});
