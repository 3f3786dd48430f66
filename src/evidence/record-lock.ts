import Database from 'better-sqlite3';
import { join } from 'node:path';
import { LOCK_FILE } from './layout.js';

/** How long a writer waits for another process's append before giving up. */
const LOCK_WAIT_MS = 120_000;

/**
 * Runs `append` while holding the records folder's append lock.
 *
 * The lock is SQLite's exclusive lock on `records/.lock`: an fcntl lock the
 * kernel releases when its process dies, so a writer killed mid-append never
 * leaves the folder locked. `append` must be synchronous, which also keeps two
 * appends of one process from interleaving.
 */
export function withRecordLock<T>(root: string, append: () => T): T {
  const db = new Database(join(root, LOCK_FILE), { timeout: LOCK_WAIT_MS });
  try {
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      throw new Error(`another goldsmith process has held ${join(root, LOCK_FILE)} for over ${LOCK_WAIT_MS / 1000} s: ${(error as Error).message}`);
    }
    try {
      return append();
    } finally {
      db.exec('ROLLBACK');
    }
  } finally {
    db.close();
  }
}
