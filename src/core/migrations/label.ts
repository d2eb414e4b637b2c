// How messages name a migration's file. The absolute path stays in a problem's `file`; the label is what a person
// reads in the message, so it must say which migration the file belongs to on its own.
import * as path from 'node:path';
import { isDieselFolderName } from './layouts';

/** The names Diesel gives the files of every migration folder: alone they do not say which migration. */
const DIESEL_FILES = new Set(['up.sql', 'down.sql', 'test.sql']);

/**
 * A migration, down or test file as messages show it: its name (`001_init.sql`), and for Diesel's fixed names the
 * migration's folder in front (`2024-01-01-000000_create_users/up.sql`), with `/` between them on every platform.
 */
export function fileLabel(file: string): string {
  const name = path.basename(file);
  const folder = path.basename(path.dirname(file));
  return DIESEL_FILES.has(name.toLowerCase()) && isDieselFolderName(folder) ? `${folder}/${name}` : name;
}

/** What a migration without a down lacks, as its layout names it; the catalog sets it, plain pairs are the default. */
export function missingDownLabel(m: { readonly name: string; readonly missingDown?: string }): string {
  return m.missingDown ?? `no ${m.name}.down.sql`;
}
