import { fileLabel } from './label';
import type { Problem } from '../model';
import { markerOf } from './sections';
import { parseSemver } from './semver';
import { problem } from '../problems';

/** What the up file's leading `-- version:` / `-- description:` comment lines say. */
export interface MigrationHeader {
  readonly version?: string;
  readonly description?: string;
  /** 1-based line of the `-- version:` line, so editors can point at it. */
  readonly versionLine?: number;
  readonly descriptionLine?: number;
  readonly problems: Problem[];
}

const KEY_LINE = /^--\s*(version|description)\s*:(.*)$/i;

/**
 * Reads the header: the comment and blank lines before the first statement. `-- version:` lines
 * further down are ordinary comments, so a migration that mentions a version in its body is not misread.
 */
export function parseHeader(sql: string, file: string): MigrationHeader {
  const fields: { version?: string; description?: string; versionLine?: number; descriptionLine?: number } = {};
  const problems: Problem[] = [];
  const lines = sql.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    // dbmate's down marker ends the up section, and with it the header.
    if ((line.length > 0 && !line.startsWith('--')) || markerOf(line) === 'down') {
      break;
    }
    const match = KEY_LINE.exec(line);
    if (match) {
      readField(match[1].toLowerCase() as 'version' | 'description', match[2].trim(), i + 1, fields, problems, file);
    }
  }
  return { ...fields, problems };
}

function readField(
  key: 'version' | 'description',
  value: string,
  line: number,
  fields: { version?: string; description?: string; versionLine?: number; descriptionLine?: number },
  problems: Problem[],
  file: string,
): void {
  const lineKey = key === 'version' ? 'versionLine' : 'descriptionLine';
  const earlier = fields[lineKey];
  if (earlier !== undefined) {
    problems.push(bad(file, line, `a second "-- ${key}:" line; the first is on line ${earlier}`));
    return;
  }
  fields[lineKey] = line;
  if (value.length === 0) {
    problems.push(bad(file, line, `"-- ${key}:" has no value`));
  } else if (key === 'version' && !parseSemver(value)) {
    problems.push(bad(file, line, `"${value}" is not a MAJOR.MINOR.PATCH version (e.g. 1.2.0)`));
  } else {
    fields[key] = value;
  }
}

function bad(file: string, line: number, reason: string): Problem {
  return problem('bad-header', `${fileLabel(file)}:${line}: ${reason}.`, { file, line });
}
