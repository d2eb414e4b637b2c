// The extension host's side of the lint worker: started on the first request (nothing at activation), kept for
// the session so its schema caches stay warm, restarted after a crash or a request that runs past the time limit.
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { LintReply, LintRequest } from './protocol';

type Pending = { readonly resolve: (reply: LintReply) => void; readonly timer: ReturnType<typeof setTimeout> };

export class LintWorkerClient {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Workers started so far: a test counts them to see nothing starts before the first request. */
  started = 0;

  constructor(
    private readonly timeLimitMs = 30_000,
    private readonly script = path.join(__dirname, 'lintWorker.js'),
  ) {}

  lint(req: Omit<LintRequest, 'id'>): Promise<LintReply> {
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.restart(`the check did not finish within ${this.timeLimitMs / 1000} s and was stopped`), this.timeLimitMs);
      this.pending.set(id, { resolve, timer });
      worker.postMessage({ ...req, id });
    });
  }

  dispose(): void {
    this.restart('the extension is shutting down');
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    this.started++;
    worker.on('message', (reply: LintReply) => this.settle(reply));
    worker.on('error', (e) => this.restart(`the lint worker failed: ${e.message}`, worker));
    worker.on('exit', (code) => this.restart(`the lint worker stopped (exit code ${code})`, worker));
    // The worker never keeps the editor's process alive on its own.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(reply: LintReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    p.resolve(reply);
  }

  /** Ends the worker (when it is `which`, or any) and answers every open request with why. */
  private restart(why: string, which?: Worker): void {
    if (which && which !== this.worker) return;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ id, ok: false, message: `SQL checks: ${why}.` });
    }
    this.pending.clear();
  }
}
