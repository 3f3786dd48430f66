import { readdirSync, readlinkSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import {
  HEAD_FILE,
  KIND_FOLDERS,
  LATEST_LINK,
  LINE_PATTERN,
  LOCK_FILE,
  PENDING_FILE,
  README_FILE,
  TIMESTAMP_PATTERN,
  isWriterScratch,
  recordPathOf,
  type RecordKind,
} from '../evidence/layout.js';
import { AuditInputError } from './audit-input-error.js';
import { ROOT_RECORD, type Finding } from './audit-types.js';
import { quoteName } from './quote-name.js';
import { describeFsError } from './read-small-file.js';

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

/** A record folder as found on disk, before any of its files is read. */
export interface ScannedRecord {
  record: string;
  kind: RecordKind;
  line: string | null;
  ts: string;
  /** Absolute path of the folder. */
  dir: string;
  /** Every entry of the folder, by name, typed by lstat (links are never followed). */
  entries: Map<string, EntryType>;
}

/** A `builds/<line>` folder and its `latest` entry, if any. */
export interface ScannedLine {
  folder: string;
  line: string;
  latest: { type: EntryType; target: string | undefined } | undefined;
}

export interface ScannedRoot {
  records: ScannedRecord[];
  lines: ScannedLine[];
  /** The type of HEAD, when present. */
  head: EntryType | undefined;
  /** True when the writer's commit intent (`.pending`) is present. */
  pending: EntryType | undefined;
  findings: Finding[];
  notices: Finding[];
}

/** Entries a records root may hold besides the kind folders, HEAD and writer scratch. */
const ALLOWED_ROOT_FILES = new Set([README_FILE, '.gitignore']);

function typeOf(entry: Dirent): EntryType {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  return 'other';
}

/** How a finding names an entry's type. */
export function describeType(type: EntryType): string {
  return { file: 'a file', directory: 'a directory', symlink: 'a symbolic link (not followed)', other: 'a special file' }[type];
}

interface Scan {
  root: string;
  out: ScannedRoot;
}

function fail(scan: Scan, record: string, file: string, message: string): void {
  scan.out.findings.push({ record, file, message, severity: 'error' });
}

function list(scan: Scan, folder: string, owner: string, file: string): Dirent[] | undefined {
  try {
    return readdirSync(join(scan.root, folder), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    fail(scan, owner, file, `${describeFsError(error)}; its records were not audited`);
    return undefined;
  }
}

/** The link's own text (readlink never follows it). */
function readLink(scan: Scan, folder: string, name: string): string | undefined {
  try {
    return readlinkSync(join(scan.root, folder, name), 'utf8');
  } catch (error) {
    fail(scan, folder, name, describeFsError(error));
    return undefined;
  }
}

/** Scratch is the writer's business; a leftover temporary is worth a note, the lock and its intent are not. */
function noteScratch(scan: Scan, folder: string, name: string): void {
  if (name === LOCK_FILE || name === `${LOCK_FILE}-journal` || name === PENDING_FILE) return;
  scan.out.notices.push({ record: folder, file: quoteName(name), message: 'left by a write in progress or an interrupted one; ignored (the next write removes it)', severity: 'notice' });
}

function scanRecord(scan: Scan, kind: RecordKind, line: string | null, ts: string): void {
  const record = recordPathOf(kind, line, ts);
  const found = list(scan, record, record, '');
  if (!found) return;
  const entries = new Map<string, EntryType>();
  for (const entry of found) entries.set(entry.name, typeOf(entry));
  scan.out.records.push({ record, kind, line, ts, dir: join(scan.root, record), entries });
}

/** `init/`, or `builds/<line>/`, `promotions/<line>/`, `revocations/<line>/` and `media/<line>/`: record folders, plus `latest` for builds. */
function scanParent(scan: Scan, kind: RecordKind, line: string | null, folder: string): void {
  const found = list(scan, folder, folder, '');
  if (!found) return;
  let latest: ScannedLine['latest'];
  for (const entry of found) {
    const type = typeOf(entry);
    if (isWriterScratch(entry.name)) noteScratch(scan, folder, entry.name);
    else if (TIMESTAMP_PATTERN.test(entry.name) && type === 'directory') scanRecord(scan, kind, line, entry.name);
    else if (TIMESTAMP_PATTERN.test(entry.name)) fail(scan, folder, entry.name, `is ${describeType(type)}, not a record folder`);
    else if (kind === 'build' && entry.name === LATEST_LINK) latest = { type, target: type === 'symlink' ? readLink(scan, folder, entry.name) : undefined };
    else {
      const holds = kind === 'build' ? 'record folders named YYYYMMDDTHHMMSSZ and the latest link' : 'record folders named YYYYMMDDTHHMMSSZ';
      fail(scan, folder, quoteName(entry.name), `unexpected entry (${describeType(type)}): this folder holds only ${holds}`);
    }
  }
  if (kind === 'build') scan.out.lines.push({ folder, line: line!, latest });
}

function scanKindFolder(scan: Scan, kind: Exclude<RecordKind, 'init'>): void {
  const folder = KIND_FOLDERS[kind];
  const found = list(scan, folder, folder, '');
  if (!found) return;
  for (const entry of found) {
    const type = typeOf(entry);
    if (isWriterScratch(entry.name)) noteScratch(scan, folder, entry.name);
    else if (LINE_PATTERN.test(entry.name) && type === 'directory') scanParent(scan, kind, entry.name, `${folder}/${entry.name}`);
    else fail(scan, folder, quoteName(entry.name), `unexpected entry (${describeType(type)}): this folder holds one folder per line, named like ubuntu-24.04`);
  }
}

/**
 * Lists what a records folder holds, by lstat only: every record folder, each
 * build line's `latest`, HEAD, the writer's `.pending`, and a finding for
 * anything else. Opens no file and follows no link below `root`.
 *
 * @example
 * const scanned = scanRecords('records');
 * scanned.records.map((r) => r.record) // ['builds/ubuntu-24.04/20261124T090300Z', 'init/20261124T080000Z']
 */
export function scanRecords(root: string): ScannedRoot {
  try {
    if (!statSync(root).isDirectory()) throw new AuditInputError(`${root} is not a directory; pass the records folder`);
  } catch (error) {
    if (error instanceof AuditInputError) throw error;
    throw new AuditInputError(`cannot read the records folder ${root}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let top: Dirent[];
  try {
    top = readdirSync(root, { withFileTypes: true });
  } catch (error) {
    throw new AuditInputError(`cannot read the records folder ${root}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const scan: Scan = { root, out: { records: [], lines: [], head: undefined, pending: undefined, findings: [], notices: [] } };
  const kinds = new Map<string, RecordKind>(Object.entries(KIND_FOLDERS).map(([kind, folder]) => [folder, kind as RecordKind]));
  for (const entry of top.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const type = typeOf(entry);
    const kind = kinds.get(entry.name);
    if (entry.name === HEAD_FILE) scan.out.head = type;
    else if (entry.name === PENDING_FILE) scan.out.pending = type;
    else if (isWriterScratch(entry.name)) noteScratch(scan, ROOT_RECORD, entry.name);
    else if (kind && type === 'directory') {
      if (kind === 'init') scanParent(scan, 'init', null, entry.name);
      else scanKindFolder(scan, kind);
    } else if (ALLOWED_ROOT_FILES.has(entry.name) && type === 'file') continue;
    else {
      const what = kind || ALLOWED_ROOT_FILES.has(entry.name) ? `is ${describeType(type)}` : `unexpected entry (${describeType(type)})`;
      fail(scan, ROOT_RECORD, quoteName(entry.name), `${what}: a records folder holds only HEAD, init/, builds/, promotions/, revocations/, media/, README.md and .gitignore`);
    }
  }
  return scan.out;
}
