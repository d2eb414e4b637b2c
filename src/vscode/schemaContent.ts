import * as path from 'path';
import * as vscode from 'vscode';
import { renderSchema, type SchemaObject } from '../core/schema/dump';
import type { FolderDrift } from './drift';

export const SCHEMA_SCHEME = 'sqlite-migrations-schema';

export type SchemaSide = 'migrations' | 'database';

/**
 * The two sides of Show Schema Diff as read-only virtual documents (no temp files in the workspace): what the applied
 * migrations produce and what the database has, each as the schema file's statements. They hold the comparison the
 * command just made, and change with it when the command runs again.
 */
export class SchemaContentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  static uriFor(drift: FolderDrift, side: SchemaSide): vscode.Uri {
    const name = side === 'migrations' ? 'from-migrations.sql' : `${path.basename(drift.databaseFile)}.sql`;
    return vscode.Uri.from({ scheme: SCHEMA_SCHEME, path: `/${drift.folder.name}/${side}/${name}`, query: new URLSearchParams({ folder: drift.folder.uri.toString() }).toString() });
  }

  /** Holds both sides of `drift` and returns their addresses: [migrations, database]. */
  show(drift: FolderDrift): [vscode.Uri, vscode.Uri] {
    const { comparison } = drift;
    const sides: [vscode.Uri, string][] = [
      [SchemaContentProvider.uriFor(drift, 'migrations'), renderSchema(comparison.migrations, comparison.head)],
      [SchemaContentProvider.uriFor(drift, 'database'), databaseText(drift.databaseFile, comparison.database)],
    ];
    for (const [uri, text] of sides) {
      const before = this.texts.get(uri.toString());
      this.texts.set(uri.toString(), text);
      if (before !== undefined && before !== text) this.changed.fire(uri);
    }
    return [sides[0][0], sides[1][0]];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '-- This schema is no longer held: run Show Schema Diff again.\n';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The database's side in the same form as the migrations' (renderSchema's statements), under a header of its own. */
function databaseText(databaseFile: string, objects: readonly SchemaObject[]): string {
  const body = renderSchema(objects, null).split('\n').slice(2).join('\n');
  return `-- Schema of ${path.basename(databaseFile)} as it is now, read from the database file.\n-- Not generated from the migrations: compare it with what they produce.\n${body}`;
}
