import Database from 'better-sqlite3';
import { execa, type ResultPromise } from 'execa';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/write-chain.js';

const JOB_STORE_MODULE = new URL('../../dist/pipeline/job-store.js', import.meta.url).href;

// Another goldsmith process writing the store as serve's queue does: each job in its own transactions
// (request takes the line's lock, finish releases it), with a tail big enough that the store spans many pages.
// Its automatic checkpoints are off, so every job lives only in jobs.sqlite-wal: a backup that copied the
// file (cp) would hold none of them, where SQLite's backup reads through the WAL. It prints each 50th job id,
// and stops cleanly when its stdin closes.
const WRITER = `
const { JobStore } = await import(process.env.JOB_STORE_MODULE);
const store = JobStore.open(process.env.JOB_STORE);
store.db.pragma('wal_autocheckpoint = 0');
let stop = false;
process.stdin.on('end', () => { stop = true; });
process.stdin.resume();
const tail = 'packer: step '.repeat(300);
let written = 0;
while (!stop) {
  const result = store.request('line-' + (written % 8), { source: 'cli', user: 'writer' });
  if (!result.ok) throw new Error(result.message);
  store.finish(result.job.id, { state: 'succeeded', reason: null, tail });
  written += 1;
  if (written % 50 === 0) process.stdout.write(result.job.id + '\\n');
  await new Promise((resolve) => setImmediate(resolve));
}
store.close();
process.stdout.write('stopped after ' + written + '\\n');
`;

const writers: ResultPromise[] = [];
afterEach(async () => {
  for (const writer of writers.splice(0)) {
    writer.stdin?.end();
    await writer.catch(() => undefined);
  }
});

function startWriter(storePath: string) {
  const writer = execa('node', ['--input-type=module', '-e', WRITER], { env: { JOB_STORE: storePath, JOB_STORE_MODULE }, reject: false });
  writers.push(writer);
  let lastId = 0;
  let partial = '';
  writer.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (/^\d+$/.test(line)) lastId = Number(line);
  });
  const reached = (id: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (lastId >= id) {
          clearInterval(timer);
          resolve();
        } else if (writer.exitCode !== null && writer.exitCode !== undefined) {
          clearInterval(timer);
          reject(new Error(`the writer exited early: ${writer.exitCode}`));
        }
      }, 20);
    });
  return { writer, reached };
}

/** The newest job id in a store, through a connection of its own (closed at once). */
function newestJobId(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM jobs').get()!.id ?? 0;
  } finally {
    db.close();
  }
}

describe('goldsmith backup', () => {
  it('copies the store consistently while another process keeps writing jobs, and the copy restores', async () => {
    const dir = makeTempDir('goldsmith-backup-');
    // The writer creates the store (JobStore.open applies every migration) where goldsmith's defaults look: .goldsmith/ under the working folder.
    const storePath = join(dir, '.goldsmith', 'jobs.sqlite');
    const { writer, reached } = startWriter(storePath);
    await reached(1500);

    const before = newestJobId(storePath);
    const started = Date.now();
    mkdirSync(join(dir, 'backups'));
    const result = await runCli(['backup', '--out', 'backups/x.sqlite'], { cwd: dir });
    const seconds = (Date.now() - started) / 1000;
    const after = newestJobId(storePath);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    // The writer went on through the backup: the copy was taken from a store in use.
    expect(after).toBeGreaterThan(before);

    const out = join(dir, 'backups', 'x.sqlite');
    // Nothing but the copy beside it: no temporary file, no -wal or -shm to carry along.
    expect(readdirSync(join(dir, 'backups'))).toEqual(['x.sqlite']);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const copy = new Database(out, { readonly: true, fileMustExist: true });
    const jobs = copy.prepare<[], { n: number; newest: number; oldest: number }>('SELECT count(*) AS n, max(id) AS newest, min(id) AS oldest FROM jobs').get()!;
    const integrity = copy.pragma('integrity_check', { simple: true });
    const journal = copy.pragma('journal_mode', { simple: true });
    const unfinished = copy.prepare<[], { n: number }>("SELECT count(*) AS n FROM jobs WHERE state <> 'succeeded'").get()!.n;
    copy.close();
    expect(integrity).toBe('ok');
    expect(journal).toBe('delete');
    // Every job that existed when the backup started, and a snapshot with no hole: ids 1..newest, all there.
    expect(jobs.newest).toBeGreaterThanOrEqual(before);
    expect(jobs.newest).toBeLessThanOrEqual(after);
    expect(jobs.oldest).toBe(1);
    expect(jobs.n).toBe(jobs.newest);
    // One transaction's snapshot: at most the newest job can be between its request and its finish.
    expect(unfinished).toBeLessThanOrEqual(1);

    expect(result.stdout).toContain(`backed up ${storePath} to ${out}`);
    expect(result.stdout).toContain(`checked the copy: integrity_check ok; ${jobs.n} jobs (newest #${jobs.newest},`);
    expect(result.stdout).toContain(`Not in this backup: the records folder (${join(dir, 'records')})`);
    expect(result.stdout).toMatch(/keep them with git .* or rsync -a records\//);
    expect(result.stdout).toContain('To restore:');
    expect(result.stdout).toContain('migrations run at start-up');

    // The writer is still healthy after the backup: it keeps writing and stops cleanly.
    await reached(after + 100);
    writer.stdin!.end();
    const stopped = await writer;
    expect(stopped.stderr).toBe('');
    expect(stopped.exitCode).toBe(0);
    expect(stopped.stdout).toMatch(/stopped after \d+/);
    const live = new Database(storePath, { readonly: true, fileMustExist: true });
    expect(live.pragma('integrity_check', { simple: true })).toBe('ok');
    live.close();

    // Restore as the output says: move the store and its -wal/-shm away, put the copy in, start goldsmith.
    mkdirSync(join(dir, 'old'));
    for (const name of readdirSync(join(dir, '.goldsmith')).filter((file) => file.startsWith('jobs.sqlite'))) renameSync(join(dir, '.goldsmith', name), join(dir, 'old', name));
    copyFileSync(out, storePath);
    const newest = await runCli(['job', String(jobs.newest)], { cwd: dir });
    expect(newest.exitCode).toBe(0);
    expect(newest.stdout).toMatch(new RegExp(`^job\\s+${jobs.newest}$`, 'm'));
    const later = await runCli(['job', String(jobs.newest + 1)], { cwd: dir });
    expect(later.exitCode).toBe(2);
    expect(later.stderr).toContain(`there is no job ${jobs.newest + 1}`);
    console.info(`goldsmith backup of ${jobs.n} jobs while writing: ${seconds.toFixed(2)} s`);
  });

  it('refuses an existing file, naming it, and leaves it as it was', async () => {
    const dir = makeTempDir('goldsmith-backup-');
    expect((await runCli(['jobs'], { cwd: dir })).exitCode).toBe(0);
    writeFileSync(join(dir, 'x.sqlite'), 'keep me\n');
    const result = await runCli(['backup', '--out', 'x.sqlite'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'x.sqlite')} already exists: goldsmith backup never overwrites a file`);
    expect(readFileSync(join(dir, 'x.sqlite'), 'utf8')).toBe('keep me\n');
    expect(result.stdout).toBe('');
  });

  it('refuses a folder it cannot write, and a missing folder, leaving nothing behind', async () => {
    const dir = makeTempDir('goldsmith-backup-');
    expect((await runCli(['jobs'], { cwd: dir })).exitCode).toBe(0);
    // Root writes through 0555, and running the command as another user needs the checkout readable by it
    // (a fresh clone under mktemp -d is not): the permission case runs for ordinary users only.
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o555);
      const result = await runCli(['backup', '--out', join(locked, 'x.sqlite')], { cwd: dir });
      expect(result.stderr).toContain(`goldsmith: cannot write in ${locked} (EACCES)`);
      expect(result.exitCode).toBe(2);
      expect(readdirSync(locked)).toEqual([]);
    }
    writeFileSync(join(dir, 'a-file'), '');
    const notFolder = await runCli(['backup', '--out', join(dir, 'a-file', 'x.sqlite')], { cwd: dir });
    expect(notFolder.exitCode).toBe(2);
    expect(notFolder.stderr).toContain(`${join(dir, 'a-file')} is not a folder`);

    const missing = await runCli(['backup', '--out', join(dir, 'nowhere', 'x.sqlite')], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(`the folder ${join(dir, 'nowhere')} does not exist`);
  });

  it('refuses when there is no job store, without creating one', async () => {
    const dir = makeTempDir('goldsmith-backup-');
    const result = await runCli(['backup', '--out', 'x.sqlite'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`there is no job store at ${join(dir, '.goldsmith', 'jobs.sqlite')}`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('explains itself in --help, with an example', async () => {
    const result = await runCli(['backup', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--out <file>');
    expect(result.stdout).toContain("SQLite's online backup API");
    expect(result.stdout).toMatch(/Example:\n {2}.*goldsmith backup --out /);
  });
});
