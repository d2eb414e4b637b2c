// The parent side of the native engine: forks the child that runs node:sqlite, reads its probe,
// sends it one request and waits for the answer, or kills it with SIGKILL at the time limit.
// In desktop VS Code `fork` runs Electron as plain Node; the extension host thread never runs SQL.
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { MigrationOutcome } from '../../run/runner';
import type { FromChild, ToChild } from './messages';
import type { NativeProbe } from './probe';
import { MEMORY_MARK } from './memoryWatch';

/** The bundle in dist/ is native.js; the compiled tests have child.js beside this file. */
const SCRIPTS = ['native.js', 'child.js'];
/** How long a child may take to exit after its last answer before it is killed. */
const DISPOSE_GRACE_MS = 10_000;
/** How much of the child's stderr is kept, for the message when it dies. */
const STDERR_KEEP = 4000;

export type ChildEnd = { readonly kind: 'message'; readonly message: FromChild } | { readonly kind: 'exit'; readonly detail: string } | { readonly kind: 'time-limit' };

export class NativeChild {
  private readonly proc: ChildProcess;
  private readonly probed: Promise<NativeProbe | undefined>;
  private stderr = '';
  private exited = false;
  private readonly exit: Promise<string>;

  constructor() {
    const script = SCRIPTS.map((s) => path.join(__dirname, s)).find((f) => fs.existsSync(f)) ?? path.join(__dirname, SCRIPTS[0]);
    this.proc = fork(script, [], {
      // Node 22 prints an ExperimentalWarning for node:sqlite: never shown to users.
      execArgv: ['--disable-warning=ExperimentalWarning'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.proc.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-STDERR_KEEP)));
    this.exit = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exited = true;
        resolve(signal ? `killed by ${signal}` : `exit code ${code}`);
      });
      this.proc.once('error', (e) => {
        this.exited = true;
        resolve(e.message);
      });
    });
    this.probed = Promise.race([
      new Promise<NativeProbe>((resolve) => this.proc.once('message', (m: FromChild) => m.type === 'probe' && resolve(m.probe))),
      this.exit.then(() => undefined),
    ]);
  }

  /** What the child found; undefined when it died before saying (its stderr then tells why). */
  async probe(): Promise<NativeProbe> {
    const probe = await this.probed;
    if (probe) return probe;
    const detail = await this.exit;
    const reason = `the native engine's process stopped before it could start (${this.withStderr(detail)})`;
    return { available: false, node: process.versions.node, modules: [], compileOptions: [], reason };
  }

  /**
   * Sends one request and resolves with the first answer that is not progress. `onOutcome` hears each
   * finished migration as it happens. At `timeLimitMs` the child is killed and 'time-limit' returned.
   */
  request(message: ToChild, timeLimitMs: number, onOutcome?: (o: MigrationOutcome) => void): Promise<ChildEnd> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (end: ChildEnd) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.proc.off('message', onMessage);
        resolve(end);
      };
      const onMessage = (m: FromChild) => {
        if (m.type === 'outcome') onOutcome?.(m.outcome);
        else if (m.type !== 'probe') finish({ kind: 'message', message: m });
      };
      const timer = setTimeout(() => {
        this.kill();
        finish({ kind: 'time-limit' });
      }, timeLimitMs);
      this.proc.on('message', onMessage);
      void this.exit.then((detail) => finish({ kind: 'exit', detail: this.withStderr(detail) }));
      this.proc.send(message);
    });
  }

  /** How the process ended, with the last lines it wrote to stderr, which say why when it crashed. */
  private withStderr(detail: string): string {
    return this.stderr ? `${detail}: ${this.stderr.trim().split('\n').slice(-3).join(' ')}` : detail;
  }

  /** Whether the child's memory watcher stopped it (it says so on stderr just before). */
  stoppedForMemory(): boolean {
    return this.stderr.includes(MEMORY_MARK);
  }

  /** Waits until the process is gone: after a kill, its locks are released only then. */
  async stopped(): Promise<void> {
    await this.exit;
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }

  /**
   * Lets the child end: it exits once disconnected, having answered (or having been told nothing). One that
   * is still alive after a grace period is killed; the timer never keeps this process alive.
   */
  dispose(): void {
    if (this.exited) return;
    if (this.proc.connected) this.proc.disconnect();
    setTimeout(() => this.kill(), DISPOSE_GRACE_MS).unref();
  }
}
