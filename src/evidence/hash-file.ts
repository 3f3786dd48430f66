import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { SecretScanner } from './secret-scanner.js';

/** Large chunks keep SHA-256 near its peak speed while memory stays constant whatever the file size. */
export const HASH_CHUNK_BYTES = 1 << 20;

export interface HashedFile {
  sha256: string;
  size: number;
}

export interface CopyResult extends HashedFile {
  /** Index of the first secret found in the content, if any. */
  secretIndex: number | undefined;
}

async function pump(source: FileHandle, onChunk: (chunk: Buffer) => Promise<void> | void, buffer: Buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES)): Promise<HashedFile> {
  const hash = createHash('sha256');
  let size = 0;
  for (;;) {
    const { bytesRead } = await source.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    hash.update(chunk);
    size += bytesRead;
    await onChunk(chunk);
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * SHA-256 and size of a file, streamed in 1 MiB chunks (constant memory, any size).
 * Never follows a symbolic link. A caller hashing many files passes its own
 * `buffer` (one per concurrent hash) to reuse: a fresh 1 MiB buffer per file
 * is garbage the GC collects late, tens of MiB of resident memory.
 *
 * @example
 * const { sha256, size } = await hashFile('records/builds/ubuntu-24.04/latest/packer.log');
 */
export async function hashFile(path: string, buffer?: Buffer): Promise<HashedFile> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await pump(handle, () => undefined, buffer);
  } finally {
    await handle.close();
  }
}

/**
 * Copies `source` to a new file `destination` (exclusive create, fsync),
 * hashing it and looking for secret values in the same pass.
 */
export async function copyFileHashed(source: string, destination: string, secrets: readonly string[]): Promise<CopyResult> {
  const input = await open(source, constants.O_RDONLY);
  try {
    const output = await open(destination, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o444);
    try {
      const scanner = new SecretScanner(secrets);
      const hashed = await pump(input, async (chunk) => {
        scanner.feed(chunk);
        let written = 0;
        while (written < chunk.length) written += (await output.write(chunk, written, chunk.length - written)).bytesWritten;
      });
      await output.sync();
      return { ...hashed, secretIndex: scanner.found };
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}
