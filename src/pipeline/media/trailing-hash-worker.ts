import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ABORTED, DONE, SEQ, STATE, WRITTEN, type TrailingHashData, type TrailingHashResult } from './trailing-hash-protocol.js';

/** Read size: large enough for SHA-256 to run near its peak, small enough to stay just behind the writer. */
const CHUNK = 1 << 20;

// Runs inside the thread start-trailing-hash.ts starts: hashes the file from byte 0 (so the prefix of a resumed
// download is included) up to what the writer has published, re-reading the bytes from the page cache, so that
// hashing overlaps the socket reads and disk writes of the main thread instead of following them.
function hashBehindWriter({ path, shared }: TrailingHashData): TrailingHashResult | undefined {
  const counters = new BigInt64Array(shared);
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(path, 'r');
  let hashed = 0;
  try {
    for (;;) {
      // Sequence first, then state, then bytes: a change after these loads moves the sequence, so the wait returns at once.
      const seq = Atomics.load(counters, SEQ);
      const state = Atomics.load(counters, STATE);
      if (state === ABORTED) return undefined;
      const written = Number(Atomics.load(counters, WRITTEN));
      if (hashed < written) {
        const read = readSync(fd, buffer, 0, Math.min(CHUNK, written - hashed), hashed);
        if (read === 0) throw Object.assign(new Error(`${path} ended at byte ${hashed}, before the ${written} bytes written`), { code: 'ESHORT' });
        hash.update(buffer.subarray(0, read));
        hashed += read;
        continue;
      }
      if (state === DONE) return { sha256: hash.digest('hex'), size: hashed };
      Atomics.wait(counters, SEQ, seq);
    }
  } finally {
    closeSync(fd);
  }
}

try {
  const result = hashBehindWriter(workerData as TrailingHashData);
  if (result) parentPort!.postMessage(result);
} catch (error) {
  parentPort!.postMessage({ code: (error as NodeJS.ErrnoException).code, message: (error as Error).message } satisfies TrailingHashResult);
}
