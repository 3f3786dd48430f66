import { closeSync, fsyncSync, openSync, renameSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';

/** Flushes a directory's entries (a new file or a rename) to disk. */
export function fsyncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` exclusively (never over an existing file), writes `content`, and fsyncs it. */
export function writeFileOnce(path: string, content: string | Buffer, mode = 0o444): void {
  const fd = openSync(path, 'wx', mode);
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function temporarySibling(path: string): string {
  return join(dirname(path), `.${randomBytes(6).toString('hex')}.swap`); // isWriterScratch() knows this form
}

/** Replaces the file at `path` atomically: a reader sees the old content or the new, never a mix. */
export function replaceFileAtomically(path: string, content: string): void {
  const temporary = temporarySibling(path);
  try {
    writeFileOnce(temporary, content, 0o644);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  fsyncDirectory(dirname(path));
}

/** Points the symbolic link at `path` to `target` atomically, replacing any older link. */
export function replaceSymlinkAtomically(path: string, target: string): void {
  const temporary = temporarySibling(path);
  try {
    symlinkSync(target, temporary);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  fsyncDirectory(dirname(path));
}
