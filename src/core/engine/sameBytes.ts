import * as fsp from 'fs/promises';

// Small reads, and buffers that are not zero-filled first: each step costs the calling thread well under a millisecond.
const CHUNK = 1024 * 1024;

/** Whether two files hold exactly the same bytes; a file that cannot be read counts as different. */
export async function sameFileBytes(a: string, b: string): Promise<boolean> {
  try {
    const [sa, sb] = await Promise.all([fsp.stat(a), fsp.stat(b)]);
    if (sa.size !== sb.size) return false;
    const [fa, fb] = await Promise.all([fsp.open(a, 'r'), fsp.open(b, 'r')]);
    try {
      const ba = Buffer.allocUnsafeSlow(CHUNK);
      const bb = Buffer.allocUnsafeSlow(CHUNK);
      for (let pos = 0; pos < sa.size; pos += CHUNK) {
        const [ra, rb] = await Promise.all([fa.read(ba, 0, CHUNK, pos), fb.read(bb, 0, CHUNK, pos)]);
        if (ra.bytesRead !== rb.bytesRead || !ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
      }
      return true;
    } finally {
      await Promise.all([fa.close(), fb.close()]);
    }
  } catch {
    return false;
  }
}
