import { createHash } from 'node:crypto';
import { createReadStream, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { hashFile } from '../../src/evidence/hash-file.js';
import { makeTempDir } from '../helpers/write-chain.js';

describe('hashFile', () => {
  it('streams a log over 4 GiB with constant memory and the right size and digest', async () => {
    const path = join(makeTempDir(), 'huge.log');
    writeFileSync(path, '');
    // Sparse: 4 GiB + 3 bytes on disk costs nothing; the reader still sees every byte.
    truncateSync(path, 2 ** 32 + 3);
    const rssBefore = process.memoryUsage().rss;
    const { sha256, size } = await hashFile(path);
    expect(size).toBe(2 ** 32 + 3);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    const reference = createHash('sha256');
    await pipeline(createReadStream(path, { highWaterMark: 8 << 20 }), reference);
    expect(sha256).toBe(reference.digest('hex'));
  }, 120_000);
});
