// The migrations as the editor has them: an open document's text replaces its file's, so the checks run on what
// is being typed, not on what was last saved.
import { fileLabel } from '../migrations/label';
import { normaliseLineEndings, sha256Hex } from '../migrations/checksum';
import { splitSections } from '../migrations/sections';
import type { Migration } from '../model';

/** `textOf(path)`: the open document's text, or undefined when the file is not open. */
export function withEditorText(m: Migration, textOf: (file: string) => string | undefined): Migration {
  let out = m;
  const up = cleaned(textOf(m.upPath));
  if (up !== undefined && m.downPath === m.upPath) {
    // dbmate: one file holds both directions.
    const s = splitSections(up, m.upPath, fileLabel(m.upPath));
    out = { ...out, sql: s.up, checksum: sha256Hex(s.up), downSql: s.down };
  } else if (up !== undefined) {
    out = { ...out, sql: up, checksum: sha256Hex(up) };
  }
  const down = m.downPath && m.downPath !== m.upPath ? cleaned(textOf(m.downPath)) : undefined;
  return down === undefined ? out : { ...out, downSql: down };
}

/** As discovery reads a file: BOM removed, line endings LF. */
function cleaned(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return normaliseLineEndings(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/** The position of the migration whose up or down file is `file`, or -1. */
export function migrationIndexOf(migrations: readonly Migration[], file: string): number {
  return migrations.findIndex((m) => m.upPath === file || m.downPath === file);
}
