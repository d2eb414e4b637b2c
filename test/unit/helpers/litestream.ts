// Runs the real Litestream (npm package @flydotio/litestream-linux-x64, installed with the test host) replicating
// a database to a file replica, and restores that replica: what a production setup of the spec does.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from './workspace';

export const LITESTREAM = path.join(REPO, 'test', 'host', 'node_modules', '@flydotio', 'litestream-linux-x64', 'litestream');

export class Litestream {
  private log = '';

  private constructor(private readonly proc: ChildProcess, readonly config: string, readonly db: string) {
    proc.stdout!.on('data', (d) => (this.log += String(d)));
    proc.stderr!.on('data', (d) => (this.log += String(d)));
  }

  /** Starts `litestream replicate` for `db` into `replicaDir`, and waits until its first snapshot is written. */
  static async replicate(db: string, replicaDir: string): Promise<Litestream> {
    if (!fs.existsSync(LITESTREAM)) throw new Error(`${LITESTREAM} is missing: run "node test/host/install.js"`);
    const config = path.join(path.dirname(replicaDir), 'litestream.yml');
    fs.writeFileSync(config, [
      'dbs:',
      `  - path: ${db}`,
      '    replicas:',
      '      - type: file',
      `        path: ${replicaDir}`,
      '        sync-interval: 100ms',
      '',
    ].join('\n'));
    const proc = spawn(LITESTREAM, ['replicate', '-config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    const ls = new Litestream(proc, config, db);
    await ls.waitFor(() => ls.log.includes('snapshot written'), 'its first snapshot');
    return ls;
  }

  /** The replica's generations (one per snapshot chain): a new one means the replication had to start over. */
  generations(): string[] {
    const out = run(['generations', '-config', this.config, this.db]);
    return out.split('\n').slice(1).filter((l) => l.trim()).map((l) => l.trim().split(/\s+/)[1]);
  }

  /** Restores the replica's latest state into a new file. */
  restore(to: string): void {
    fs.rmSync(to, { force: true });
    run(['restore', '-config', this.config, '-o', to, this.db]);
  }

  async waitFor(done: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!done()) {
      if (this.proc.exitCode !== null) throw new Error(`litestream exited (${this.proc.exitCode}) before ${what}:\n${this.log}`);
      if (Date.now() > end) throw new Error(`litestream did not reach ${what} in ${timeoutMs} ms:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill('SIGTERM');
    await exited;
  }
}

function run(args: string[]): string {
  const r = spawnSync(LITESTREAM, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`litestream ${args.join(' ')} failed (${r.status ?? r.error?.message}): ${r.stderr}`);
  return r.stdout;
}
