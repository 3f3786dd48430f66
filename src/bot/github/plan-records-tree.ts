import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEAD_FILE, KIND_FOLDERS, LATEST_LINK } from '../../evidence/layout.js';
import { formatHead } from '../../evidence/pointers.js';
import { listLocalRecords, type LocalRecord } from './list-local-records.js';

/** The folder of the repository that holds the records. */
export const RECORDS_DIR = 'records';

/** One file to write into a Git tree: a regular file, or a symbolic link whose content is its target. */
export interface TreeFile {
  path: string;
  mode: '100644' | '120000';
  content: Buffer;
}

export interface RecordsTreePlan {
  files: TreeFile[];
  /** Records the tree gains, in chain order. */
  added: LocalRecord[];
  /** The newest record of the resulting tree: what its HEAD names. */
  head: LocalRecord;
}

export interface PlanRecordsTreeOptions {
  /** The local records root. */
  root: string;
  /** Record paths (`builds/<line>/<ts>`) the target tree already holds under records/. */
  present: ReadonlySet<string>;
  /** The record the tree must reach: it and every earlier record of the chain are included. */
  upTo: string;
}

/**
 * What a branch must gain so that its records/ folder is a complete chain up
 * to `upTo`: every local record up to it that the branch lacks (so PREV never
 * points at a record the repository does not hold), then HEAD and each
 * line's `latest` moved to the newest record the tree will hold. The
 * repository's records folder then audits clean on its own.
 *
 * @example
 * const plan = planRecordsTree({ root: 'records', present: new Set(['init/20261124T080000Z']), upTo: 'builds/ubuntu-24.04/20261124T090300Z' });
 * plan.files.map((file) => file.path) // ['records/builds/ubuntu-24.04/20261124T090300Z/PREV', …, 'records/HEAD', 'records/builds/ubuntu-24.04/latest']
 */
export function planRecordsTree(options: PlanRecordsTreeOptions): RecordsTreePlan {
  const local = listLocalRecords(options.root);
  const target = local.find((record) => record.record === options.upTo);
  if (!target) throw new Error(`${options.upTo} is not a record of ${options.root}; was it sealed there?`);
  const added = local.filter((record) => record.seq <= target.seq && !options.present.has(record.record));
  const files: TreeFile[] = [];
  for (const record of added) {
    for (const name of readdirSync(join(options.root, record.record)).filter((entry) => !entry.startsWith('.')).sort()) {
      files.push({ path: `${RECORDS_DIR}/${record.record}/${name}`, mode: '100644', content: readFileSync(join(options.root, record.record, name)) });
    }
  }
  const held = local.filter((record) => options.present.has(record.record) || added.includes(record));
  const head = held.at(-1) ?? target;
  files.push({ path: `${RECORDS_DIR}/${HEAD_FILE}`, mode: '100644', content: Buffer.from(formatHead({ record: head.record, sumsSha256: head.sumsSha256 })) });
  const latest = new Map<string, LocalRecord>();
  for (const record of held) if (record.kind === 'build' && record.line) latest.set(record.line, record);
  for (const [line, record] of latest) {
    files.push({ path: `${RECORDS_DIR}/${KIND_FOLDERS.build}/${line}/${LATEST_LINK}`, mode: '120000', content: Buffer.from(record.ts) });
  }
  return { files, added, head };
}
