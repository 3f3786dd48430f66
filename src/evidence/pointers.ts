import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HEAD_FILE, LATEST_LINK, PENDING_FILE, SUMS_FILE } from './layout.js';
import { formatSums, parseSums } from './sums.js';
import { fsyncDirectory, replaceFileAtomically, replaceSymlinkAtomically } from './sync-fs.js';

/** What HEAD says: the newest record, and the SHA-256 of its SHA256SUMS. */
export interface HeadPointer {
  record: string;
  sumsSha256: string;
}

/** HEAD is one `sha256sum` line naming the newest record's SHA256SUMS, so `sha256sum -c HEAD` works from the records root. */
export function formatHead(head: HeadPointer): string {
  return formatSums([{ sha256: head.sumsSha256, name: `${head.record}/${SUMS_FILE}` }]);
}

/** Parses HEAD; throws with the reason when it is malformed. */
export function parseHead(text: string): HeadPointer {
  const entries = parseSums(text);
  const entry = entries[0];
  if (entries.length !== 1 || !entry || !entry.name.endsWith(`/${SUMS_FILE}`)) throw new Error(`is not one "<sha256>  <record>/${SUMS_FILE}" line`);
  return { record: entry.name.slice(0, -SUMS_FILE.length - 1), sumsSha256: entry.sha256 };
}

/** Reads HEAD, or undefined when the folder has none yet. */
export function readHead(root: string): HeadPointer | undefined {
  let text: string;
  try {
    text = readFileSync(join(root, HEAD_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return parseHead(text);
  } catch (error) {
    throw new Error(`${join(root, HEAD_FILE)} ${(error as Error).message}; run "goldsmith audit ${root}"`);
  }
}

/** The commit intent written before a record is renamed into place. */
export interface PendingWrite {
  record: string;
  kind: string;
  line: string | null;
  ts: string;
  sumsSha256: string;
}

/**
 * Moves `latest` (for builds) and HEAD to a record that is already in place,
 * then clears the commit intent. Idempotent, so recovery can replay it.
 */
export function movePointers(root: string, pending: PendingWrite): void {
  if (pending.kind === 'build') {
    replaceSymlinkAtomically(join(root, 'builds', pending.line ?? '', LATEST_LINK), pending.ts);
  }
  replaceFileAtomically(join(root, HEAD_FILE), formatHead({ record: pending.record, sumsSha256: pending.sumsSha256 }));
  rmSync(join(root, PENDING_FILE), { force: true });
  fsyncDirectory(root);
}
