// dbmate keeps both directions in one file: `-- migrate:up` ... `-- migrate:down` .... Such a file must never run
// whole (its down section would undo its up section right after it). Each section keeps the file's line numbers, so
// an error still points at the line the user sees.
import type { Problem } from '../model';
import { problem } from '../problems';

export interface Sections {
  /** The up section: the file's text up to the down marker. */
  readonly up: string;
  /** The down section, preceded by blank lines so its lines are numbered as in the file; undefined without a marker. */
  readonly down?: string;
  readonly problems: Problem[];
}

const MARKER = /^--\s*migrate:(up|down)\b(.*)$/;

/** The direction a line marks as dbmate's section start (`-- migrate:up`, `-- migrate:down`), if it is one. */
export function markerOf(line: string): 'up' | 'down' | undefined {
  return MARKER.exec(line.trim())?.[1] as 'up' | 'down' | undefined;
}

export function splitSections(text: string, file: string, label: string): Sections {
  const lines = text.split('\n');
  const problems: Problem[] = [];
  let upAt = -1;
  let downAt = -1;
  lines.forEach((raw, i) => {
    const m = MARKER.exec(raw.trim());
    if (!m) return;
    const [, direction, options] = m;
    const line = i + 1;
    if ((direction === 'up' ? upAt : downAt) >= 0) {
      problems.push(problem('bad-sections', `${label}:${line}: a second "-- migrate:${direction}" marker; a file holds one of each.`, { file, line }));
    }
    if (/transaction\s*:\s*false/.test(options)) {
      problems.push(problem('bad-sections', `${label}:${line}: "transaction:false" is not supported: every migration runs in one transaction, so a failure leaves nothing half done. Move the statements that cannot run in a transaction (such as VACUUM) out of the migration.`, { file, line }));
    }
    if (direction === 'up') upAt = i;
    else downAt = i;
  });
  if (downAt >= 0 && upAt > downAt) {
    problems.push(problem('bad-sections', `${label}:${upAt + 1}: "-- migrate:up" must come before "-- migrate:down".`, { file, line: upAt + 1 }));
  }
  if (downAt < 0) return { up: text, problems };
  return { up: upText(text), down: '\n'.repeat(downAt) + lines.slice(downAt).join('\n'), problems };
}

/** What a migration's checksum covers: the up section of a file with dbmate's sections, else the whole text. */
export function upText(text: string): string {
  const lines = text.split('\n');
  const downAt = lines.findIndex((line) => markerOf(line) === 'down');
  return downAt < 0 ? text : lines.slice(0, downAt).join('\n') + '\n';
}
