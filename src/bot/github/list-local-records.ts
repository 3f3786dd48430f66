import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_FOLDERS, LINE_KINDS, RUN_FILE, SUMS_FILE, TIMESTAMP_PATTERN, type RecordKind } from '../../evidence/layout.js';

/** One sealed record of the local records folder, with its place in the chain. */
export interface LocalRecord {
  /** `builds/<line>/<ts>`, `promotions/<line>/<ts>`, `revocations/<line>/<ts>`, `init/<ts>`. */
  record: string;
  kind: RecordKind;
  line: string | null;
  ts: string;
  seq: number;
  /** SHA-256 of its SHA256SUMS. */
  sumsSha256: string;
}

function folders(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

function readRecord(root: string, record: string, kind: RecordKind, line: string | null, ts: string): LocalRecord {
  const run = JSON.parse(readFileSync(join(root, record, RUN_FILE), 'utf8')) as { seq?: unknown };
  if (typeof run.seq !== 'number') throw new Error(`${join(root, record, RUN_FILE)} has no seq; run "goldsmith audit ${root}"`);
  const sumsSha256 = createHash('sha256').update(readFileSync(join(root, record, SUMS_FILE))).digest('hex');
  return { record, kind, line, ts, seq: run.seq, sumsSha256 };
}

/**
 * Every record folder of a local records root, in chain order (by `seq`).
 * Writer scratch (dot names) and `latest` links are skipped; the records are
 * not verified here (the evidence check audits what reaches the repository).
 *
 * @example
 * listLocalRecords('/srv/goldsmith/records').at(-1) // { record: 'builds/ubuntu-24.04/20261124T090300Z', seq: 7, ... }
 */
export function listLocalRecords(root: string): LocalRecord[] {
  const records: LocalRecord[] = [];
  for (const ts of folders(join(root, KIND_FOLDERS.init)).filter((name) => TIMESTAMP_PATTERN.test(name))) {
    records.push(readRecord(root, `${KIND_FOLDERS.init}/${ts}`, 'init', null, ts));
  }
  for (const kind of LINE_KINDS) {
    for (const line of folders(join(root, KIND_FOLDERS[kind]))) {
      for (const ts of folders(join(root, KIND_FOLDERS[kind], line)).filter((name) => TIMESTAMP_PATTERN.test(name))) {
        records.push(readRecord(root, `${KIND_FOLDERS[kind]}/${line}/${ts}`, kind, line, ts));
      }
    }
  }
  return records.sort((a, b) => a.seq - b.seq);
}
