// What the editor asks the lint worker and what it answers: one migration of a folder, with the text in the editor.
import type { Migration } from '../model';
import type { LintFinding } from './finding';
import type { TableInfo } from './schemaInfo';

export interface LintRequest {
  readonly id: number;
  /** Which cache: one per migrations folder. */
  readonly folder: string;
  /** Every migration in order, the edited one's text already the editor's. */
  readonly migrations: readonly Migration[];
  /** Position of the migration to lint. */
  readonly index: number;
  readonly target: string;
}

export type LintReply =
  | { readonly id: number; readonly ok: true; readonly findings: LintFinding[]; readonly schema: TableInfo[] }
  | { readonly id: number; readonly ok: false; readonly message: string };
