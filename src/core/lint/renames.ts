// "no such table: tasks" says nothing about why; when an earlier migration renamed the table, lint says where it went.
import { fileLabel } from '../migrations/label';
import type { Migration } from '../model';
import { identifier, isPunct, keyword, significant, type Token } from '../sql/tokens';

/** For SQLite's "no such table: NAME": where an earlier migration renamed NAME, else undefined. */
export function missingTableNote(earlier: readonly Migration[], message: string): string | undefined {
  const match = /no such table: "?([^"\s,]+)/.exec(message);
  return match ? renameNote(earlier, match[1].split('.').pop()!) : undefined;
}

/** The last `ALTER TABLE [schema.]table RENAME TO other` among `earlier`, as "(renamed to other by FILE)"; else undefined. */
export function renameNote(earlier: readonly Migration[], table: string): string | undefined {
  const wanted = table.toLowerCase();
  let found: string | undefined;
  for (const m of earlier) {
    for (const to of renames(m.sql, wanted)) found = `(renamed to ${to} by ${fileLabel(m.upPath)})`;
  }
  return found;
}

/** The new names `table` gets in `sql`, in order. Read off the tokens, so comments and strings never match. */
function renames(sql: string, table: string): string[] {
  const t = significant(sql);
  const word = (x: Token | undefined) => keyword(sql, x);
  const out: string[] = [];
  for (let i = 0; i + 5 < t.length; i++) {
    if (word(t[i]) !== 'ALTER' || word(t[i + 1]) !== 'TABLE') continue;
    let at = i + 2;
    if (isPunct(sql, t[at + 1], '.')) at += 2;
    const name = identifier(sql, t[at]);
    if (name?.toLowerCase() !== table || word(t[at + 1]) !== 'RENAME' || word(t[at + 2]) !== 'TO') continue;
    const to = identifier(sql, t[at + 3]);
    if (to) out.push(to);
  }
  return out;
}
