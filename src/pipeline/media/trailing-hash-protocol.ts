// What start-trailing-hash.ts and trailing-hash-worker.ts share: the layout of the counters the writer publishes in.

/** What the thread is given: the file, and the shared counters (a BigInt64Array over `shared`). */
export interface TrailingHashData {
  path: string;
  shared: SharedArrayBuffer;
}

/** The thread's one message: the digest of the whole file, or why it could not be read. */
export type TrailingHashResult = { sha256: string; size: number } | { code: string | undefined; message: string };

/** Index of the bytes on disk that the thread may read. */
export const WRITTEN = 0;
/** Index of the writer's state: RUNNING, DONE (WRITTEN is final) or ABORTED. */
export const STATE = 1;
/** Index of a sequence the writer bumps after every change, so the thread's wait never misses one. */
export const SEQ = 2;
export const COUNTERS = 3;
export const RUNNING = 0n;
export const DONE = 1n;
export const ABORTED = 2n;
