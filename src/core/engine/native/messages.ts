// The messages between the engine (parent side) and the child process that runs node:sqlite.
import type { CreatedBackup } from '../backups';
import type { Problem, Result } from '../../model';
import type { TaskReply } from '../../run/protocol';
import type { MigrationOutcome } from '../../run/runner';
import type { NativeProbe } from './probe';
import type { NativeRequest } from './task';

export interface RestoreRequest {
  readonly file: string;
  readonly mode: number;
  readonly owner?: NativeRequest['owner'];
  readonly backupFile: string;
  readonly busyTimeoutMs: number;
  readonly backups: NativeRequest['backups'];
  readonly nowMs: number;
  readonly memoryLimitMB?: number;
}

export type ToChild =
  | { readonly type: 'task'; readonly request: NativeRequest }
  | { readonly type: 'backup'; readonly request: NativeRequest }
  | { readonly type: 'restore'; readonly request: RestoreRequest };

export type FromChild =
  | { readonly type: 'probe'; readonly probe: NativeProbe }
  /** One migration finished (committed or rolled back): sent as it happens, so a kill still reports it. */
  | { readonly type: 'outcome'; readonly outcome: MigrationOutcome }
  | { readonly type: 'reply'; readonly reply: TaskReply }
  | { readonly type: 'backup'; readonly result: Result<CreatedBackup, Problem> }
  | { readonly type: 'restore'; readonly result: Result<{ safetyBackup: CreatedBackup | null }, Problem> };
