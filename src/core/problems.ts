// Every problem the core, the CLI and the extension report carries one of these codes: the JSON output and the
// Problems panel show them, and tests and users' scripts match on them, so they are a closed list.
import { fail, type Problem, type Severity } from './model';

export type ProblemCode =
  // migration files: names, headers, text, pairs
  | 'bad-name' | 'bad-description' | 'uppercase-extension' | 'bad-header' | 'invalid-utf8' | 'not-a-file'
  | 'symlink-outside' | 'unreadable' | 'folder-missing' | 'duplicate-sequence' | 'duplicate-version' | 'sequence-gap'
  | 'version-order' | 'orphan-down' | 'missing-down' | 'empty-down' | 'empty-migration' | 'split-mismatch'
  | 'statement-refused' | 'template-missing' | 'file-exists' | 'bad-sections' | 'two-downs' | 'mixed-layouts'
  // the plan: what may run in which order
  | 'unknown-sequence' | 'not-pending' | 'not-applied' | 'already-applied' | 'out-of-order' | 'nothing-applied'
  | 'too-many-steps' | 'no-down' | 'down-from-ledger' | 'modified-rollback' | 'missing-module'
  | 'accept-not-applied' | 'accept-no-file' | 'bad-options' | 'unmanaged-database' | 'nothing-to-baseline' | 'baseline-differs' | 'baseline-unchecked'
  | 'module-unchecked' | 'applied-changed'
  // running a migration
  | 'statement-failed' | 'transaction-open' | 'commit-failed' | 'foreign-key-violations' | 'foreign-key-dangling'
  | 'ledger-write-failed' | 'ledger-write-skipped' | 'ledger-foreign' | 'ledger-changed' | 'ledger-tampered' | 'verify-failed'
  | 'quick-check' | 'time-limit' | 'memory-limit' | 'baselined' | 'ledger-moved'
  // lint: SQL checked against the schema the earlier migrations leave, and the target SQLite version
  | 'sql-error' | 'needs-newer-sqlite' | 'earlier-fails' | 'bad-target'
  // migration tests
  | 'bad-test' | 'test-failed' | 'not-reversible' | 'breaking-change'
  // the database file
  | 'no-database' | 'db-not-a-file' | 'db-broken-link' | 'db-hard-links' | 'db-unreadable' | 'db-read-only'
  | 'db-too-large' | 'db-empty' | 'db-truncated' | 'db-not-sqlite' | 'db-bad-page-size' | 'db-corrupt' | 'db-sidecar'
  | 'db-replicated' | 'db-open-elsewhere' | 'db-busy' | 'db-changed' | 'db-foreign-keys' | 'db-changing' | 'stale-lock' | 'stale-temp'
  // writing the file and backups
  | 'write-failed' | 'write-unconfirmed' | 'write-note' | 'file-in-use' | 'backup-failed' | 'backup-mismatch'
  | 'backup-missing' | 'backup-no-database' | 'backup-source-modified' | 'backup-damaged' | 'restore-unsupported'
  // the schema file and drift
  | 'replay-failed' | 'schema-drift' | 'schema-differs' | 'schema-write-failed' | 'schema-not-ours' | 'reset-mismatch' | 'schema-unusable'
  | 'reset-unconfirmed' | 'reset-done' | 'no-drift'
  // engines
  | 'engine-fallback' | 'native-unavailable' | 'native-exit' | 'worker-error' | 'worker-exit'
  // settings and the editor
  | 'bad-settings' | 'path-outside' | 'untrusted' | 'verify' | 'fs-error' | 'unknown-environment' | 'confirm-needed'
  // a bug: the message says what happened, the log has the stack
  | 'internal';

export interface Where {
  readonly severity?: Severity;
  readonly file?: string;
  readonly line?: number;
}

/** The one way to build a problem; an error unless `where.severity` says otherwise. */
export function problem(code: ProblemCode, message: string, where: Where = {}): Problem {
  const { severity = 'error', file, line } = where;
  return { code, severity, message, ...(file !== undefined ? { file } : {}), ...(line !== undefined ? { line } : {}) };
}

/** A failed Result carrying one error. */
export function failWith(code: ProblemCode, message: string, where: Where = {}): { ok: false; error: Problem } {
  return fail(problem(code, message, where));
}
