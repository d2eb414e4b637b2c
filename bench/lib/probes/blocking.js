'use strict';
// Child process: the longest stretch the calling thread (in VS Code, the extension host's) is blocked
// while one operation runs: a status refresh or a backup on a given database and engine. The event loop's
// delay is sampled every millisecond; its maximum is the longest time nothing else could run. Prints one
// JSON line. Run with a Node that has node:sqlite for the native engine.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { monitorEventLoopDelay, performance } = require('perf_hooks');

const [out, databaseFile, migrationsFolder, engineName, op] = process.argv.slice(2);

async function measure(fn) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  // Let the sampler's timer start before the work does.
  await new Promise((resolve) => setTimeout(resolve, 20));
  histogram.enable();
  const t = performance.now();
  const result = await fn();
  const ms = performance.now() - t;
  histogram.disable();
  // The sampler's own 1 ms period is part of every delay it records.
  return { result, ms, maxBlockMs: Math.max(0, histogram.max / 1e6 - 1) };
}

async function main() {
  const engine = require(path.join(out, 'src', 'core', 'engine.js'));
  const { resolveConfig } = require(path.join(out, 'src', 'core', 'config.js'));
  const { EngineChooser } = require(path.join(out, 'src', 'core', 'engine', 'choose.js'));
  const backups = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-backups-'));
  const config = { ...resolveConfig(path.dirname(databaseFile), { databaseFile, migrationsFolder, engine: engineName }), backupsFolder: backups };
  const engines = new EngineChooser();
  // Warm-up: the probe, the worker's wasm and the JIT are paid once per session, not per refresh.
  const warm = await engine.status(config, { engines });
  if (!warm.ok) throw new Error(`status failed: ${warm.error[0].message}`);
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const m = await measure(() => (op === 'backup' ? engine.backupNow(config, { engines }) : engine.status(config, { engines })));
    if (!m.result.ok) throw new Error(`${op} failed: ${m.result.error[0].message}`);
    runs.push(m);
  }
  fs.rmSync(backups, { recursive: true, force: true });
  const worst = runs.reduce((a, b) => (b.maxBlockMs > a.maxBlockMs ? b : a));
  process.stdout.write(JSON.stringify({ engine: engineName, op, maxBlockMs: worst.maxBlockMs, ms: runs.map((r) => r.ms).sort((a, b) => a - b)[1] }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 1;
});
