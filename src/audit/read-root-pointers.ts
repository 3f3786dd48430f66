import { join } from 'node:path';
import { HEAD_FILE, PENDING_FILE } from '../evidence/layout.js';
import { parseHead, type HeadPointer, type PendingWrite } from '../evidence/pointers.js';
import { ROOT_RECORD, type Finding } from './audit-types.js';
import { readSmallFile } from './read-small-file.js';
import { describeType, type ScannedRoot } from './scan-records.js';

export interface RootPointers {
  /** True when HEAD exists at all (even if unreadable). */
  headPresent: boolean;
  head: HeadPointer | undefined;
  pending: PendingWrite | undefined;
  findings: Finding[];
}

function parsePending(text: string): PendingWrite {
  const value = JSON.parse(text) as Partial<Record<keyof PendingWrite, unknown>>;
  const isText = (field: unknown): field is string => typeof field === 'string' && field.length > 0;
  if (!isText(value.record) || !isText(value.kind) || !isText(value.ts) || !isText(value.sumsSha256) || !(value.line === null || isText(value.line))) {
    throw new Error('lacks record, kind, line, ts or sumsSha256');
  }
  return { record: value.record, kind: value.kind, line: value.line, ts: value.ts, sumsSha256: value.sumsSha256 };
}

/**
 * Reads HEAD and the writer's commit intent `.pending` from the records
 * root, neither of them through a link.
 *
 * @example
 * const { head } = readRootPointers('records', scanRecords('records'));
 * head?.record // 'promotions/ubuntu-24.04/20261124T090400Z'
 */
export function readRootPointers(root: string, scanned: Pick<ScannedRoot, 'head' | 'pending'>): RootPointers {
  const out: RootPointers = { headPresent: scanned.head !== undefined, head: undefined, pending: undefined, findings: [] };
  const fail = (file: string, message: string): void => void out.findings.push({ record: ROOT_RECORD, file, message, severity: 'error' });
  if (scanned.head !== undefined) {
    const file = scanned.head === 'file' ? readSmallFile(join(root, HEAD_FILE), 4096) : { problem: `is ${describeType(scanned.head)}, not a file` };
    if ('problem' in file) fail(HEAD_FILE, file.problem);
    else {
      try {
        out.head = parseHead(file.bytes.toString('utf8'));
      } catch (error) {
        fail(HEAD_FILE, `${(error as Error).message}`);
      }
    }
  }
  if (scanned.pending !== undefined) {
    const file = scanned.pending === 'file' ? readSmallFile(join(root, PENDING_FILE), 64 << 10) : { problem: `is ${describeType(scanned.pending)}, not a file` };
    if ('problem' in file) fail(PENDING_FILE, `${file.problem}; the next write will fail on it`);
    else {
      try {
        out.pending = parsePending(file.bytes.toString('utf8'));
      } catch (error) {
        fail(PENDING_FILE, `is not the writer's commit intent (${(error as Error).message}); the next write will fail on it`);
      }
    }
  }
  return out;
}
