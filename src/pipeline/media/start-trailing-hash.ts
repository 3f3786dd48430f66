import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { hashFile, type HashedFile } from '../../evidence/hash-file.js';
import { ABORTED, COUNTERS, DONE, SEQ, STATE, WRITTEN, type TrailingHashData, type TrailingHashResult } from './trailing-hash-protocol.js';

/** A SHA-256 computed on another thread, just behind a writer appending to a file. */
export interface TrailingHash {
  /** The first `bytes` of the file are on disk and may be hashed. Cheap: call it every MiB or so. */
  publish(bytes: number): void;
  /** The file is complete at `bytes`: resolves with the SHA-256 of all of it, from byte 0. */
  finish(bytes: number): Promise<HashedFile>;
  /** The write failed: stop hashing and let the thread go (finish is not called). */
  abort(): void;
}

// The thread runs from dist/ (the built CLI); from TypeScript sources there is no .js beside us, and the file is hashed in this thread at the end.
const WORKER_URL = new URL('./trailing-hash-worker.js', import.meta.url);

function inThread(path: string): TrailingHash {
  return { publish() {}, finish: () => hashFile(path), abort() {} };
}

/**
 * Starts a worker thread that hashes `path` from its first byte while this
 * thread keeps appending to it, re-reading each published stretch from the
 * page cache: on two cores the hashing overlaps the socket reads and disk
 * writes instead of adding to them. Whatever the file already holds when it
 * starts (`written`, the prefix of a resumed download) is hashed too.
 *
 * @example
 * const hash = startTrailingHash('.goldsmith/media/ubuntu.iso.partial', resumedFrom);
 * // after each write: hash.publish(bytesOnDisk)
 * const { sha256, size } = await hash.finish(bytesOnDisk);
 */
export function startTrailingHash(path: string, written: number): TrailingHash {
  if (!existsSync(fileURLToPath(WORKER_URL))) return inThread(path);
  const shared = new SharedArrayBuffer(COUNTERS * BigInt64Array.BYTES_PER_ELEMENT);
  const counters = new BigInt64Array(shared);
  counters[WRITTEN] = BigInt(written);
  const worker = new Worker(WORKER_URL, { workerData: { path, shared } satisfies TrailingHashData });
  const signal = (): void => {
    Atomics.add(counters, SEQ, 1n);
    Atomics.notify(counters, SEQ);
  };
  let settled = false;
  const result = new Promise<HashedFile>((resolve, reject) => {
    worker.once('message', (message: TrailingHashResult) => {
      settled = true;
      if ('sha256' in message) resolve(message);
      else reject(Object.assign(new Error(`hashing ${path} failed: ${message.message}`), { code: message.code }));
    });
    worker.once('error', (error) => reject(new Error(`the hashing thread for ${path} failed: ${error.message}`)));
    worker.once('exit', (code) => settled || reject(new Error(`the hashing thread for ${path} stopped (code ${code}) before it was done`)));
  });
  // An aborted download never awaits the result: its rejection must not become an unhandled one.
  result.catch(() => undefined);
  return {
    publish(bytes) {
      Atomics.store(counters, WRITTEN, BigInt(bytes));
      signal();
    },
    finish(bytes) {
      Atomics.store(counters, WRITTEN, BigInt(bytes));
      Atomics.store(counters, STATE, DONE);
      signal();
      return result;
    },
    abort() {
      Atomics.store(counters, STATE, ABORTED);
      signal();
      void worker.terminate();
    },
  };
}
