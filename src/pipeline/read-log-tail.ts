import { open } from 'node:fs/promises';

/**
 * The last `count` lines of a log, reading only its end (logs can be many GiB).
 * The log is already scrubbed: nothing unscrubbed is ever written.
 */
export async function readLogTail(path: string, count: number, maxBytes = 64 * 1024): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n').filter((line) => line.trim() !== '');
    return (length < size ? lines.slice(1) : lines).slice(-count);
  } finally {
    await handle.close();
  }
}
