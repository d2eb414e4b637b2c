import type * as vscode from 'vscode';

/**
 * One timer per key (a document, a folder): a burst of events for one key runs its action once, and
 * events for other keys never cancel it, as a single shared timer would (a find-and-replace across files).
 */
export class KeyedDebouncer<K> implements vscode.Disposable {
  private readonly timers = new Map<K, ReturnType<typeof setTimeout>>();

  constructor(private readonly delayMs: number) {}

  trigger(key: K, action: () => void): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      action();
    }, this.delayMs));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
