// Drives Debian's `sqlite3` shell, so tests can hold a database open, commit from another process, or crash a
// writer mid-transaction: the situations sql.js alone cannot produce.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'child_process';

export const SQLITE3 = process.env.SQLITE3_BIN ?? 'sqlite3';

export function hasSqlite3(): boolean {
  return spawnSync(SQLITE3, ['-version'], { encoding: 'utf8' }).status === 0;
}

/** Runs `sql` in a short-lived sqlite3 process (-bail: the first error fails the call) and returns its output. */
export function sqlite3(db: string, sql: string): string {
  const r = spawnSync(SQLITE3, ['-bail', db], { input: sql, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`sqlite3 ${db} failed (${r.status ?? r.error?.message}): ${r.stderr}\nSQL: ${sql}`);
  }
  return r.stdout;
}

const live = new Set<Sqlite3Session>();

/** A sqlite3 process kept running with the database open; statements are sent over stdin. */
export class Sqlite3Session {
  private out = '';
  private err = '';
  private marker = 0;
  private readonly exited: Promise<number | null>;

  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    // Each run() listens until its own marker arrives; a test may queue many statements at once.
    proc.stdout.setMaxListeners(0);
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (this.err += d));
    this.exited = new Promise((resolve) => proc.on('exit', (code) => {
      live.delete(this);
      resolve(code);
    }));
  }

  static open(db: string): Sqlite3Session {
    const session = new Sqlite3Session(spawn(SQLITE3, ['-bail', db], { stdio: ['pipe', 'pipe', 'pipe'] }));
    live.add(session);
    return session;
  }

  get pid(): number {
    return this.proc.pid as number;
  }

  /** Sends `sql` and resolves with its output once sqlite3 has run all of it; rejects if sqlite3 stops (an error, with -bail). */
  run(sql: string): Promise<string> {
    const marker = `__sqlite3_done_${++this.marker}__`;
    const start = this.out.length;
    this.proc.stdin.write(`${sql}\n.print ${marker}\n`);
    return new Promise((resolve, reject) => {
      const onData = () => {
        const at = this.out.indexOf(`${marker}\n`, start);
        if (at >= 0) {
          this.proc.stdout.off('data', onData);
          resolve(this.out.slice(start, at));
        }
      };
      this.proc.stdout.on('data', onData);
      void this.exited.then((code) => reject(new Error(`sqlite3 exited (${code}) before finishing: ${this.err}\nSQL: ${sql}`)));
      onData();
    });
  }

  /** Quits normally: SQLite checkpoints and removes -wal/-shm as the last connection closes. */
  async close(): Promise<number | null> {
    this.proc.stdin.end('.quit\n');
    return this.exited;
  }

  /** SIGKILL: a crash, leaving sidecars exactly as they were. */
  async kill(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }
}

/** For `afterEach`: kills any session a failed test left running, so no sqlite3 process outlives the tests. */
export async function killAllSessions(): Promise<void> {
  await Promise.all([...live].map((s) => s.kill()));
}
