// Migrations held in memory, for the checks that read only their text, down text and checksum.
import { sha256Hex } from '../../../src/core/migrations/checksum';
import type { Migration } from '../../../src/core/model';

/** A migration held in memory: the lint reads only its text, its down text and its checksum. */
export function mig(sequence: number, sql: string, downSql?: string): Migration {
  const seq = String(sequence).padStart(3, '0');
  const name = `${seq}_m${sequence}`;
  return { sequence, sequenceText: seq, slug: `m${sequence}`, name, version: seq, description: '', upPath: `/w/migrations/${name}.sql`, downPath: downSql === undefined ? undefined : `/w/migrations/${name}.down.sql`, downSql: downSql ?? undefined, sql, checksum: sha256Hex(sql) };
}

