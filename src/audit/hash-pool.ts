import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { hashFile, type HashedFile } from '../evidence/hash-file.js';
import type { HashRequest, HashResponse } from './hash-worker.js';

/** Hashes whole files off the main thread. */
export interface HashPool {
  /** SHA-256 and size of the file at `path`, never following a link; rejects with the errno code when it cannot be read. */
  hash(path: string): Promise<HashedFile>;
  /** Stops the threads; pending hashes reject. */
  close(): Promise<void>;
}

export interface HashPoolOptions {
  /** Threads to hash on; default os.availableParallelism(). */
  threads?: number;
  /** Files each thread works on at once: a second file lets one file's read overlap the other's hashing. */
  filesPerThread?: number;
}

interface Job {
  path: string;
  resolve: (hashed: HashedFile) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  running: Map<number, Job>;
}

// The worker runs from dist/ (the built CLI); from TypeScript sources (tests of a library caller) there is no .js beside us.
const WORKER_URL = new URL('./hash-worker.js', import.meta.url);

function inThreadPool(limit: number): HashPool {
  let running = 0;
  const waiting: Array<() => void> = [];
  return {
    async hash(path) {
      if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      running += 1;
      try {
        return await hashFile(path);
      } finally {
        running -= 1;
        waiting.shift()?.();
      }
    },
    async close() {},
  };
}

function errorOf(response: { code: string | undefined; message: string }): Error {
  return Object.assign(new Error(response.message), { code: response.code });
}

/**
 * Starts a small pool of worker threads, each hashing whole files with
 * `hashFile` (1 MiB chunks, constant memory). Callers bound how many hashes
 * they ask for at once; the pool only queues what does not fit yet.
 *
 * @example
 * const pool = startHashPool();
 * try {
 *   const { sha256, size } = await pool.hash('records/builds/ubuntu-24.04/20261124T090300Z/packer.log');
 * } finally {
 *   await pool.close();
 * }
 */
export function startHashPool(options: HashPoolOptions = {}): HashPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const perThread = Math.max(1, options.filesPerThread ?? 2);
  if (!existsSync(fileURLToPath(WORKER_URL))) return inThreadPool(threads * perThread);

  const queue: Job[] = [];
  let nextId = 0;
  let broken: Error | undefined;
  const slots: Slot[] = [];

  const dispatch = (): void => {
    while (queue.length > 0) {
      const slot = slots.reduce((best, candidate) => (candidate.running.size < best.running.size ? candidate : best));
      if (slot.running.size >= perThread) return;
      const job = queue.shift()!;
      const id = nextId++;
      slot.running.set(id, job);
      slot.worker.postMessage({ id, path: job.path } satisfies HashRequest);
    }
  };

  const breakPool = (error: Error): void => {
    broken ??= error;
    for (const slot of slots) {
      for (const job of slot.running.values()) job.reject(broken);
      slot.running.clear();
    }
    for (const job of queue.splice(0)) job.reject(broken);
  };

  for (let index = 0; index < threads; index += 1) {
    const slot: Slot = { worker: new Worker(WORKER_URL), running: new Map() };
    slot.worker.on('message', (response: HashResponse) => {
      const job = slot.running.get(response.id);
      slot.running.delete(response.id);
      if ('sha256' in response) job?.resolve({ sha256: response.sha256, size: response.size });
      else job?.reject(errorOf(response));
      dispatch();
    });
    slot.worker.on('error', (error) => breakPool(new Error(`a hashing thread failed: ${error.message}`)));
    slot.worker.on('exit', (code) => breakPool(new Error(`a hashing thread exited (code ${code})`)));
    slots.push(slot);
  }

  return {
    hash(path) {
      if (broken) return Promise.reject(broken);
      return new Promise<HashedFile>((resolve, reject) => {
        queue.push({ path, resolve, reject });
        dispatch();
      });
    },
    async close() {
      breakPool(new Error('the hash pool was closed'));
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
