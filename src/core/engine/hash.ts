// SHA-256 of a whole database without holding up the calling thread. In VS Code that thread is the extension
// host's, shared with every other extension: hashing 100 MB in one call blocks it for a fifth of a second.
// In slices of 1 MiB with a turn of the event loop between them, no stretch lasts more than a few milliseconds.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as fsp from 'fs/promises';
import { setImmediate as nextTurn } from 'timers/promises';

const SLICE = 1024 * 1024;

export async function sha256OfBytes(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (let offset = 0; offset < bytes.byteLength; offset += SLICE) {
    if (offset > 0) await nextTurn();
    hash.update(bytes.subarray(offset, offset + SLICE));
  }
  return hash.digest('hex');
}

/** Reads in slices too (O_NONBLOCK: a path that became a FIFO returns instead of waiting for a writer). */
export async function sha256OfFile(file: string): Promise<string> {
  const fh = await fsp.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const hash = createHash('sha256');
    const chunk = Buffer.alloc(SLICE);
    for (let position = 0; ; ) {
      const { bytesRead } = await fh.read(chunk, 0, SLICE, position);
      if (bytesRead === 0) return hash.digest('hex');
      hash.update(chunk.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await fh.close();
  }
}
