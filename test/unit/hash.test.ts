import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sha256OfBytes, sha256OfFile } from '../../src/core/engine/hash';

const whole = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('hashing in slices', () => {
  const MiB = 1024 * 1024;
  // Empty, within one slice, exactly one, and across slice boundaries: each must equal one whole-buffer hash.
  for (const size of [0, 1, MiB - 1, MiB, MiB + 1, 3 * MiB + 12345]) {
    it(`gives the whole-buffer SHA-256 of ${size} bytes, from memory and from a file`, async () => {
      const bytes = randomBytes(size);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hash-')), 'f.bin');
      fs.writeFileSync(file, bytes);
      try {
        assert.equal(await sha256OfBytes(bytes), whole(bytes));
        assert.equal(await sha256OfFile(file), whole(bytes));
      } finally {
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      }
    });
  }

  it('hashes only the view it is given, not the whole underlying buffer', async () => {
    const pool = randomBytes(4 * MiB);
    const view = pool.subarray(100, 100 + 2 * MiB + 7);
    assert.equal(await sha256OfBytes(view), whole(Buffer.from(view)));
  });
});
