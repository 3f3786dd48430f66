import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export type SmallFile = { bytes: Buffer } | { problem: string };

/** Why a file could not be opened or read, in words an assessor can act on. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'is a symbolic link; not followed';
  if (code === 'ENOENT') return 'is missing';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${code ?? (error as Error).message})`;
}

/**
 * Reads one of a record's small files whole, refusing links (O_NOFOLLOW),
 * FIFOs and devices (O_NONBLOCK, then fstat), and anything larger than
 * `limit`, so a planted multi-gigabyte run.json cannot exhaust memory.
 *
 * @example
 * const file = readSmallFile('records/HEAD', 4096);
 * if ('problem' in file) console.log(`HEAD ${file.problem}`);
 */
export function readSmallFile(path: string, limit: number): SmallFile {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return { problem: describeFsError(error) };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: 'is not a regular file' };
    if (stat.size > limit) return { problem: `is ${stat.size} bytes, more than goldsmith ever writes there (${limit}); not read` };
    const bytes = Buffer.alloc(stat.size);
    let filled = 0;
    while (filled < bytes.length) {
      const read = readSync(fd, bytes, filled, bytes.length - filled, null);
      if (read === 0) break;
      filled += read;
    }
    return { bytes: bytes.subarray(0, filled) };
  } catch (error) {
    return { problem: describeFsError(error) };
  } finally {
    closeSync(fd);
  }
}
