import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { KIND_FOLDERS, LINE_KINDS, PENDING_FILE, PREV_FILE, recordPathOf, SIGNATURE_FILE, SUMS_FILE, TEMP_PREFIX, TIMESTAMP_PATTERN, type RecordKind } from './layout.js';
import { movePointers, readHead, type PendingWrite } from './pointers.js';
import { parsePrev } from './sums.js';
import { fsyncDirectory } from './sync-fs.js';
import { isProcessAlive } from './is-process-alive.js';

/** Folders that may hold scratch: the root (pointer swaps), init/, builds/<line>/, promotions/<line>/, revocations/<line>/, media/<line>/. */
function recordParents(root: string): string[] {
  const parents = [root, join(root, KIND_FOLDERS.init)];
  for (const kind of LINE_KINDS.map((name) => KIND_FOLDERS[name])) {
    const folder = join(root, kind);
    if (!existsSync(folder)) continue;
    for (const line of readdirSync(folder)) parents.push(join(folder, line));
  }
  return parents.filter((parent) => existsSync(parent));
}

/**
 * True when the intent names a well-formed record, still as sealed, that is
 * HEAD itself or HEAD's direct successor: only such an intent may move HEAD.
 */
function completesHead(root: string, pending: PendingWrite): boolean {
  const kinds: RecordKind[] = ['init', ...LINE_KINDS];
  if (!kinds.includes(pending.kind as RecordKind) || !TIMESTAMP_PATTERN.test(pending.ts)) return false;
  if (recordPathOf(pending.kind as RecordKind, pending.line, pending.ts) !== pending.record || pending.record.split('/').some((part) => part === '..')) return false;
  const sums = readFileSync(join(root, pending.record, SUMS_FILE));
  if (createHash('sha256').update(sums).digest('hex') !== pending.sumsSha256) return false;
  const head = readHead(root);
  if (!head) return pending.kind === 'init';
  if (head.record === pending.record) return true;
  const prev = parsePrev(readFileSync(join(root, pending.record, PREV_FILE), 'utf8'));
  return !prev.genesis && prev.sha256 === head.sumsSha256 && posix.join(pending.record, prev.path) === `${head.record}/${SUMS_FILE}`;
}

/**
 * Finishes what a writer killed mid-append left behind. Call under the record lock.
 *
 * A record renamed into place before the crash gets its pointers moved (roll
 * forward); a record that never reached its final name is discarded with its
 * intent. Temporary folders of dead processes are removed; a live process's
 * are left alone, since it copies its log before taking the lock.
 */
export function recoverPendingWrite(root: string): void {
  const pendingPath = join(root, PENDING_FILE);
  if (existsSync(pendingPath)) {
    const pending = JSON.parse(readFileSync(pendingPath, 'utf8')) as PendingWrite;
    if (existsSync(join(root, pending.record, SIGNATURE_FILE))) {
      if (!completesHead(root, pending)) {
        throw new Error(`${pendingPath} names ${pending.record}, which is not the record that follows HEAD; refusing to move HEAD. Run "goldsmith audit ${root}"`);
      }
      movePointers(root, pending);
    } else {
      rmSync(pendingPath, { force: true });
      fsyncDirectory(root);
    }
  }
  for (const parent of recordParents(root)) {
    for (const name of readdirSync(parent)) {
      const pid = Number(/^\.tmp-(\d+)-/.exec(name)?.[1] ?? NaN);
      if (name.startsWith(TEMP_PREFIX) && !isProcessAlive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
      else if (name.startsWith('.') && name.endsWith('.swap')) rmSync(join(parent, name), { force: true });
    }
  }
}
