// VS Code's settings.json is JSONC: comments and trailing commas are allowed there.

/** Parses JSON with comments and trailing commas; throws SyntaxError like JSON.parse. */
export function parseJsonc(text: string): unknown {
  // A BOM becomes a space: JSON.parse refuses it, and positions stay those of the file.
  const src = text.replace(/^\uFEFF/, ' ');
  let out = '';
  let i = 0;
  while (i < src.length) {
    if (src[i] === '"') {
      const end = endOfString(src, i);
      out += src.slice(i, end);
      i = end;
    } else if (isComment(src, i)) {
      // Blanked, not removed, so JSON.parse's "at position N" is a position in the file as written.
      const end = endOfComment(src, i);
      out += src.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else if (src[i] === ',' && closesNext(src, i + 1)) {
      out += ' ';
      i++;
    } else {
      out += src[i++];
    }
  }
  return JSON.parse(out);
}

function isComment(src: string, i: number): boolean {
  return src.startsWith('//', i) || src.startsWith('/*', i);
}

function endOfComment(src: string, i: number): number {
  const end = src.startsWith('//', i) ? src.indexOf('\n', i) : src.indexOf('*/', i + 2) + 2;
  return end < i ? src.length : end;
}

/** Whether the next thing after white space and comments closes an object or array: the comma before it is trailing. */
function closesNext(src: string, i: number): boolean {
  while (i < src.length) {
    if (/\s/.test(src[i])) i++;
    else if (isComment(src, i)) i = endOfComment(src, i);
    else return src[i] === '}' || src[i] === ']';
  }
  return false;
}

function endOfString(src: string, start: number): number {
  let i = start + 1;
  while (i < src.length && src[i] !== '"') {
    i += src[i] === '\\' ? 2 : 1;
  }
  return i + 1;
}

/** The 1-based line of JSON.parse's "at position N" in `text`, when its message has one. */
export function jsonErrorLine(text: string, error: unknown): number | undefined {
  const match = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!match) return undefined;
  return text.slice(0, Number(match[1])).split('\n').length;
}
