import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
export { sqlite3 } from './sqlite3';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');

/** A temp workspace folder; `files` maps relative paths to contents. */
export function makeWorkspace(files: Record<string, string> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlm-ws-'));
  for (const [rel, text] of Object.entries(files)) {
    writeFile(root, rel, text);
  }
  return root;
}

export function writeFile(root: string, rel: string, text: string): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

export function removeWorkspace(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** For a describe block: makes temp workspaces like makeWorkspace, each removed after the test that made it. */
export function workspacesPerTest(): (files?: Record<string, string>) => string {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach(removeWorkspace));
  return (files = {}) => {
    const root = makeWorkspace(files);
    roots.push(root);
    return root;
  };
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the bundled CLI (dist/cli.js) the way CI would. */
export function cli(root: string, args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

export function cliJson(root: string, args: string[]): { code: number | null; json: any; stderr: string } {
  const run = cli(root, [...args, '--json']);
  let json: unknown;
  try {
    json = JSON.parse(run.stdout);
  } catch {
    throw new Error(`not JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
  }
  return { code: run.code, json, stderr: run.stderr };
}

/** Starts the CLI and resolves once it prints `paused at <step>` on stderr (see src/cli/pause.ts). */
export function cliPausedAt(root: string, args: string[], step: string): Promise<import('child_process').ChildProcess> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', SQLITE_MIGRATIONS_TEST_PAUSE_AT: step },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += String(d);
      if (stderr.includes(`paused at ${step}`)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`CLI exited (${code}) before pausing at ${step}: ${stderr}`)));
  });
}
