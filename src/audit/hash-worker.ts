import { parentPort } from 'node:worker_threads';
import { HASH_CHUNK_BYTES, hashFile } from '../evidence/hash-file.js';

/** A request from the pool: hash the file at `path`. */
export interface HashRequest {
  id: number;
  path: string;
}

/** The answer: the digest and size, or why the file could not be read. */
export type HashResponse = { id: number; sha256: string; size: number } | { id: number; code: string | undefined; message: string };

// One read buffer per file in flight, reused from file to file: memory stays flat however many files pass through.
const spare: Buffer[] = [];

// Runs inside a worker thread started by hash-pool.ts: one whole file per request, streamed in 1 MiB chunks.
parentPort?.on('message', (request: HashRequest) => {
  const buffer = spare.pop() ?? Buffer.allocUnsafe(HASH_CHUNK_BYTES);
  hashFile(request.path, buffer)
    .then(
      ({ sha256, size }) => parentPort!.postMessage({ id: request.id, sha256, size } satisfies HashResponse),
      (error: NodeJS.ErrnoException) => parentPort!.postMessage({ id: request.id, code: error.code, message: error.message } satisfies HashResponse),
    )
    .finally(() => spare.push(buffer));
});
