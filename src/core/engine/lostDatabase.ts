// A database file that is missing while backups of it remain was most likely lost (deleted by mistake, a deploy that
// replaced the folder), not never made: "does not exist yet; it is created by the first up" would lead to a new, empty
// database with the data one `restore` away. So the note becomes a warning naming the newest backup and that command.
import * as path from 'path';
import type { EngineConfig } from '../config';
import { plural } from '../ledger/summary';
import type { Problem } from '../model';
import { problem } from '../problems';
import { listBackups } from './backups';

/** `notes` with the missing-database note (code `no-database`) told about the file's backups, when there are any. */
export async function noteBackupsOfMissing(notes: readonly Problem[], config: EngineConfig): Promise<Problem[]> {
  const at = notes.findIndex((n) => n.code === 'no-database' && n.severity === 'info');
  if (at < 0) return [...notes];
  const backups = await listBackups(path.resolve(config.databaseFile), config.backupsFolder).catch(() => []);
  if (backups.length === 0) return [...notes];
  const newest = backups.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
  const name = path.basename(newest.path);
  const file = config.databaseFile;
  const held = `its backups folder holds ${plural(backups.length, 'backup')} of an earlier one, the newest ${name} (${newest.createdAt.toISOString()})`;
  const created = /created by this operation/.test(notes[at].message);
  const message = created
    ? `${file} did not exist, so this operation created a new one, while ${held}: if that database was lost, "sqlite-migrations restore ${name}" (editor: Restore Backup...) brings it back, backing up this new one first.`
    : `${file} does not exist, but ${held}: if it was lost, "sqlite-migrations restore ${name}" (editor: Restore Backup...) brings it back; "up" would create a new, empty database instead.`;
  return [...notes.slice(0, at), problem('no-database', message, { severity: 'warning', file }), ...notes.slice(at + 1)];
}
