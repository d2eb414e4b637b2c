'use strict';
// The unbundled core and vscode adapters, compiled with tsc into bench/work/out (not the shared out/,
// which other people's test runs rewrite), so the hot paths can be timed module by module.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { log } = require('./util');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : fs.statSync(file).mtimeMs);
  }
  return newest;
}

/** Compiles when any file under src/ is newer than the last compile; returns the folder holding src/. */
function compiledOut(repo, workDir) {
  const outDir = path.join(workDir, 'out');
  const marker = path.join(outDir, '.compiled');
  const stale = !fs.existsSync(marker) || fs.statSync(marker).mtimeMs < newestMtime(path.join(repo, 'src'));
  if (stale) {
    log('compiling src/ with tsc into bench/work/out ...');
    // Type errors elsewhere do not stop emit (noEmitOnError is off); only missing output is fatal.
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [repo] }), '-p', repo, '--outDir', outDir], { encoding: 'utf8' });
    if (!fs.existsSync(path.join(outDir, 'src', 'core', 'engine.js'))) {
      throw new Error(`tsc produced no output: ${r.stdout}${r.stderr}`);
    }
    fs.writeFileSync(marker, new Date().toISOString());
  }
  return outDir;
}

module.exports = { compiledOut };
