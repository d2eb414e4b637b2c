// Descriptions and the names made from them. How a file name is read depends on the folder's layout (layouts.ts).
import { fail, ok, type Result } from '../model';
import { problem } from '../problems';

/** The sequence width `new` starts a folder with: the spec's `001_...`. */
export const MIN_SEQUENCE_WIDTH = 3;

const MAX_SLUG_LENGTH = 60;

/** `add_task_tags` -> `Add task tags`; `add-users` -> `Add users` (dots stay: `v1.2`). */
export function descriptionFromSlug(slug: string): string {
  const words = slug.split(/[_-]/).filter((w) => w.length > 0).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `Add task tags!` -> `add_task_tags`; accents are folded (`Café` -> `cafe`). */
export function slugFromDescription(description: string): Result<string> {
  const folded = description.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const slug = truncateSlug(folded.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, ''));
  if (slug.length === 0) {
    return fail(problem('bad-description', `The description "${description}" has no letters or digits to name the file after.`));
  }
  return ok(slug);
}

/** Long descriptions stay whole in the header; the file name keeps whole words up to a readable length. */
function truncateSlug(slug: string): string {
  if (slug.length <= MAX_SLUG_LENGTH) {
    return slug;
  }
  const cut = slug.slice(0, MAX_SLUG_LENGTH + 1);
  const lastBreak = cut.lastIndexOf('_');
  return (lastBreak > 0 ? cut.slice(0, lastBreak) : cut.slice(0, MAX_SLUG_LENGTH)).replace(/_+$/, '');
}
