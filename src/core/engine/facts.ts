import { column, scalar, type Connection, type EngineName } from './connection';

/** Where the native engine is, for messages that point a sql.js user to it. */
export const NATIVE_ENGINE_WHERE = 'the native engine (Node 22.13 or later: VS Code 1.101+, or the CLI with --engine native)';

/** What an engine is, for the CLI's output, the extension's log and "Show Engine". */
export interface EngineFacts {
  readonly node: string;
  readonly sqlite?: string;
  /** Virtual-table modules (fts5, rtree, ...) this SQLite has. */
  readonly modules: readonly string[];
  readonly compileOptions: readonly string[];
  /** Whether node:sqlite has the online backup API (Node 22.15 does not; VACUUM INTO stands in). */
  readonly backupApi?: boolean;
}

/** SQLite's version, modules and compile options, as any connection reports them. */
export function describeSqlite(conn: Connection): Pick<EngineFacts, 'sqlite' | 'modules' | 'compileOptions'> {
  return {
    sqlite: String(scalar(conn, 'SELECT sqlite_version()')),
    modules: column(conn, 'PRAGMA module_list').map(String).sort(),
    compileOptions: column(conn, 'PRAGMA compile_options').map(String),
  };
}

/** "native (node:sqlite, SQLite 3.53.4, Node 24.21.0)": one line for logs and the CLI. */
export function engineLabel(engine: EngineName, facts?: Pick<EngineFacts, 'sqlite' | 'node'>): string {
  const sqlite = facts?.sqlite ? `, SQLite ${facts.sqlite}` : '';
  return engine === 'native' ? `native (node:sqlite${sqlite}, Node ${facts?.node ?? process.versions.node})` : `sql.js (SQLite in WebAssembly${sqlite})`;
}

/** The probe's findings as lines, for "Show Engine" and the log. */
export function reportLines(r: {
  readonly engine: EngineName;
  readonly setting: string;
  readonly facts?: EngineFacts;
  readonly probe?: { readonly available: boolean; readonly reason?: string; readonly sqlite?: string; readonly modules: readonly string[]; readonly backupApi?: boolean };
}): string[] {
  const lines = [`Engine: ${engineLabel(r.engine, r.facts)} (setting sqliteMigrations.engine: "${r.setting}")`];
  if (r.facts) {
    lines.push(`SQLite ${r.facts.sqlite ?? '?'}; virtual-table modules: ${r.facts.modules.join(', ') || 'none'}`);
  }
  if (r.probe && !r.probe.available) lines.push(`Native engine: not available: ${r.probe.reason}`);
  if (r.probe?.available && r.engine === 'native') {
    lines.push(`Backups through ${r.probe.backupApi ? "node:sqlite's online backup API" : 'VACUUM INTO (this Node has no backup API)'}`);
  }
  if (r.facts) lines.push(`Compile options: ${r.facts.compileOptions.join(' ')}`);
  return lines;
}
