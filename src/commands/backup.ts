import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, lstatSync, openSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import { jobStorePathOf } from '../pipeline/open-job-store.js';
import { UsageError } from './usage-error.js';

/** What a finished backup holds, read back from the copy itself. */
export interface JobStoreBackup {
  /** The job store that was copied. */
  source: string;
  /** The copy. */
  out: string;
  bytes: number;
  /** Rows per table of the copy, by table name. */
  rows: Record<string, number>;
  /** The newest job in the copy, if any. */
  newestJob: { id: number; createdAt: string } | undefined;
}

// Passed as the page count of each backup step: the whole database in one step, so the copy is one read
// transaction's snapshot. Stepping in chunks would restart from page 1 whenever serve writes between chunks.
const ALL_PAGES = 0x7fffffff;

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

function refuseExisting(out: string): void {
  // lstat, not exists: a dangling symlink at FILE is also something we would clobber.
  let taken = false;
  try {
    lstatSync(out);
    taken = true;
  } catch {
    // nothing there: the one answer we want
  }
  if (taken) throw new UsageError(`${out} already exists: goldsmith backup never overwrites a file; choose another --out or move that file away`);
}

function createTempBeside(out: string): string {
  const folder = dirname(out);
  if (!existsSync(folder)) throw new UsageError(`cannot write ${out}: the folder ${folder} does not exist; create it first`);
  if (!statSync(folder).isDirectory()) throw new UsageError(`cannot write ${out}: ${folder} is not a folder`);
  const temp = resolve(folder, `.${basename(out)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    // Created by us with 0600 before SQLite opens it: SQLite keeps an existing file's mode, so the copy is
    // never readable by others, not even for the moment before a chmod.
    closeSync(openSync(temp, 'wx', 0o600));
  } catch (error) {
    throw new UsageError(`cannot write in ${folder} (${errnoOf(error) ?? (error as Error).message}): choose a folder the user running goldsmith can write to`);
  }
  return temp;
}

function removeTemp(temp: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${temp}${suffix}`, { force: true });
}

/** Reads the copy back: integrity, rows per table, the newest job. Leaves it a single self-contained file. */
function checkCopy(file: string): Pick<JobStoreBackup, 'rows' | 'newestJob'> {
  const db = new Database(file, { fileMustExist: true });
  try {
    // The source is in WAL mode and its header came along; a restored copy needs no -wal beside it.
    db.pragma('journal_mode = DELETE');
    const integrity = db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
    const problems = integrity.map((row) => row.integrity_check).filter((line) => line !== 'ok');
    if (problems.length > 0) throw new Error(`the copy failed PRAGMA integrity_check: ${problems.slice(0, 5).join('; ')}`);
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    const rows: Record<string, number> = {};
    for (const { name } of tables) rows[name] = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get()!.n;
    if (rows.jobs === undefined || rows.migrations === undefined) throw new Error('the copy has no jobs or migrations table: this is not a goldsmith job store');
    const newest = db.prepare<[], { id: number; created_at: string }>('SELECT id, created_at FROM jobs ORDER BY id DESC LIMIT 1').get();
    return { rows, newestJob: newest ? { id: newest.id, createdAt: newest.created_at } : undefined };
  } finally {
    db.close();
  }
}

function fsyncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Moves the finished copy to `out`, unless something appeared there meanwhile. */
function publish(temp: string, out: string): void {
  try {
    // link() fails with EEXIST instead of replacing: rename() alone would clobber a file created during the backup.
    linkSync(temp, out);
    unlinkSync(temp);
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') throw new UsageError(`${out} appeared while the backup ran: goldsmith backup never overwrites a file; choose another --out`);
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP'].includes(errnoOf(error) ?? '')) throw error;
    // A filesystem without hard links: check again and rename, leaving only that instant for a race.
    refuseExisting(out);
    renameSync(temp, out);
  }
  fsyncFolder(dirname(out));
}

/**
 * Copies the job store at `source` (jobs, line locks, promotions, Slack
 * message ids: one SQLite file) to `out` through SQLite's online backup API,
 * which reads a consistent snapshot while other processes keep writing. The
 * live files are only ever opened by SQLite: opening and closing the
 * database or its -wal/-shm with any other descriptor in this process would
 * drop the POSIX locks SQLite holds on them. The copy is written to a
 * temporary name beside `out` (mode 0600), checked (integrity_check, row
 * counts) and then moved into place, so `out` is either complete or absent.
 * Refuses (exit 2) an existing `out`, a missing or unwritable folder, and a
 * missing job store.
 *
 * @example
 * const backup = await backupJobStore('/var/lib/goldsmith/.goldsmith/jobs.sqlite', '/var/backups/goldsmith-jobs.sqlite');
 * console.log(`${backup.rows.jobs} jobs, newest #${backup.newestJob?.id}`);
 */
export async function backupJobStore(source: string, outPath: string): Promise<JobStoreBackup> {
  const out = resolve(outPath);
  refuseExisting(out);
  if (!existsSync(source)) {
    throw new UsageError(
      `there is no job store at ${source}, so nothing to back up: check state_dir in goldsmith.yaml (or --config); goldsmith creates the store the first time serve, build or worker runs`,
    );
  }
  const temp = createTempBeside(out);
  try {
    // Read-only: a backup never migrates or otherwise writes the live store, whatever goldsmith version runs it.
    const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 10_000 });
    try {
      await db.backup(temp, { progress: () => ALL_PAGES });
    } finally {
      db.close();
    }
    const checked = checkCopy(temp);
    chmodSync(temp, 0o600);
    publish(temp, out);
    return { source, out, bytes: statSync(out).size, ...checked };
  } finally {
    removeTemp(temp);
  }
}

const sizeOf = (bytes: number) => (bytes < 1 << 20 ? `${Math.max(1, Math.round(bytes / 1024))} KiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`);

/**
 * `goldsmith backup --out FILE`: a consistent copy of `<state_dir>/jobs.sqlite`,
 * safe while `goldsmith serve` runs; prints what it holds and how to restore it.
 *
 * @example
 * process.exitCode = await backupCommand(loadConfig({ cwd: process.cwd(), paths: settings.paths }), { out: 'jobs-2026-12-01.sqlite' }, process.stdout);
 */
export async function backupCommand(config: LoadedConfig, options: { out: string }, stdout: NodeJS.WritableStream): Promise<number> {
  const source = jobStorePathOf(config);
  const backup = await backupJobStore(source, options.out);
  const { jobs = 0, events = 0, ...others } = backup.rows;
  const tables = Object.entries(others)
    .filter(([name]) => name !== 'migrations')
    .map(([name, count]) => `${name} ${count}`);
  const stateDir = dirname(source);
  stdout.write(
    [
      `backed up ${source} to ${backup.out} (${sizeOf(backup.bytes)}, mode 0600)`,
      `checked the copy: integrity_check ok; ${jobs} jobs${backup.newestJob ? ` (newest #${backup.newestJob.id}, queued ${backup.newestJob.createdAt})` : ''}, ${events} events; ${tables.join(', ')}; ${backup.rows.migrations} migrations applied`,
      '',
      `Not in this backup: the records folder (${config.records}). Records are their own evidence (hashed, chained, signed):`,
      'keep them with git (commit and push the repository holding them) or rsync -a records/ to another host, and check a copy with',
      `"goldsmith audit". Job and promotion logs under ${stateDir}/jobs and ${stateDir}/promotions are not in it either`,
      "(a successful build's log is in its record).",
      '',
      'To restore:',
      '  1. stop goldsmith serve (systemctl stop goldsmith) and any goldsmith worker;',
      `  2. move ${basename(source)}, ${basename(source)}-wal and ${basename(source)}-shm out of ${stateDir} (a -wal left there would be replayed into the copy);`,
      `  3. copy ${backup.out} to ${source}, owned by the user goldsmith runs as;`,
      '  4. start goldsmith serve: migrations run at start-up, so a backup from an older goldsmith is brought up to date.',
      '',
    ].join('\n'),
  );
  return 0;
}
