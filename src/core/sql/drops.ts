// The tables a piece of SQL drops by name (`DROP TABLE [IF EXISTS] [schema.]name`), read from its tokens.
import { identifier, isPunct, keyword, significant } from './tokens';

/** Lower-cased names, in order, without repeats. */
export function droppedTables(sql: string): string[] {
  const words = significant(sql);
  const names: string[] = [];
  words.forEach((t, i) => {
    if (keyword(sql, t) !== 'DROP' || keyword(sql, words[i + 1]) !== 'TABLE') return;
    let at = i + 2;
    if (keyword(sql, words[at]) === 'IF' && keyword(sql, words[at + 1]) === 'EXISTS') at += 2;
    if (isPunct(sql, words[at + 1], '.')) at += 2;
    const name = words[at]?.type === 'semi' ? undefined : identifier(sql, words[at])?.toLowerCase();
    if (name && !names.includes(name)) names.push(name);
  });
  return names;
}
