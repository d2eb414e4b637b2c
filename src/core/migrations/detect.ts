// `auto`: the one layout a folder's names agree on. A folder that mixes layouts is refused rather than half read,
// since the files of the other layout would silently not run.
import type { Dirent } from 'node:fs';
import * as path from 'node:path';
import { fail, ok, type Result } from '../model';
import { problem } from '../problems';
import { LAYOUT_EXAMPLES, layoutOfName, type LayoutName, type LayoutSetting } from './layouts';

export interface ResolvedLayout {
  readonly layout: LayoutName;
  /** True when `auto` chose it. */
  readonly detected: boolean;
}

export function detectLayout(root: string, listing: readonly Dirent[], setting: LayoutSetting): Result<ResolvedLayout> {
  if (setting !== 'auto') return ok({ layout: setting, detected: false });
  const examples = new Map<LayoutName, string[]>();
  for (const d of listing) {
    const layout = layoutOfName(d.name, d.isDirectory());
    if (layout) examples.set(layout, [...(examples.get(layout) ?? []), d.name]);
  }
  if (examples.size <= 1) return ok({ layout: [...examples.keys()][0] ?? 'seed', detected: true });
  const found = [...examples].map(([layout, names]) => `${layout} (${names.slice(0, 2).join(', ')}${names.length > 2 ? ', ...' : ''})`);
  const choices = [...examples.keys()].map((l) => `${l}: ${LAYOUT_EXAMPLES[l]}`).join('; ');
  const message = `The migrations folder ${root} mixes the layouts of different tools: ${found.join(' and ')}. Rename the files into one layout, or set sqliteMigrations.layout (CLI: --layout) to the one to read (${choices}).`;
  return fail(problem('mixed-layouts', message, { file: path.join(root, [...examples.values()][1][0]) }));
}
