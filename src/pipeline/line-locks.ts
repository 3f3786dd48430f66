import type Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { isProcessAlive } from '../evidence/is-process-alive.js';
import { FINAL_STATES, type JobState } from './job-types.js';

/** What holds a line: a build job (queued or running), a promotion, or a rollback (from the CLI, Slack or a pull request). */
export type LineLockKind = 'build' | 'promote' | 'rollback';

/** Who holds a line, since when, why, and how to release it: what a refused user is told. */
export interface LineLock {
  line: string;
  kind: LineLockKind;
  /** Unique per hold: `job:12`, `promotion:3`, `github:<uuid>`. */
  token: string;
  /** Who asked: `cli:alice`, `slack:U123`, `github:bob`. */
  holder: string;
  /** Why, as a noun phrase: `build job 12`, `promotion 3 (promote of ubuntu-24.04)`, `/promote on #42`. */
  reason: string;
  /** How to release it, as an instruction. */
  release: string;
  since: string;
  /** The process doing the work, when one is. */
  ownerPid: number | null;
  ownerHost: string | null;
  /**
   * True when the lock outlives its process: a queued build (no process yet)
   * and a promotion (its journal resumes it) keep the line until they end.
   * False for an approval on GitHub: its process dying frees the line.
   */
  heldPastExit: boolean;
  pullRequest: number | null;
  jobId: number | null;
  /** The lock this one was taken under (a pull request's approval, while its promotion runs): it comes back on release. */
  parent: LineLock | null;
}

/** A lock to take. */
export type LineLockRequest = Omit<LineLock, 'since' | 'parent' | 'ownerPid' | 'ownerHost' | 'pullRequest' | 'jobId'> & {
  owner?: { pid: number; host: string } | null;
  pullRequest?: number | null;
  jobId?: number | null;
};

interface LockRow {
  line: string;
  kind: LineLockKind;
  token: string;
  holder: string;
  reason: string;
  release: string;
  since: string;
  owner_pid: number | null;
  owner_host: string | null;
  held_past_exit: number;
  pull_request: number | null;
  job_id: number | null;
  parent: string | null;
}

const toLock = (row: LockRow): LineLock => ({
  line: row.line,
  kind: row.kind,
  token: row.token,
  holder: row.holder,
  reason: row.reason,
  release: row.release,
  since: row.since,
  ownerPid: row.owner_pid,
  ownerHost: row.owner_host,
  heldPastExit: row.held_past_exit === 1,
  pullRequest: row.pull_request,
  jobId: row.job_id,
  parent: row.parent ? (JSON.parse(row.parent) as LineLock) : null,
});

/** The line lock's table, in the job store's SQLite file (a job store migration: every store of that file applies those first). */
export const LINE_LOCKS_SQL = `CREATE TABLE line_locks (
     line TEXT PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('build', 'promote', 'rollback')),
     token TEXT NOT NULL UNIQUE,
     holder TEXT NOT NULL,
     reason TEXT NOT NULL,
     release TEXT NOT NULL,
     since TEXT NOT NULL,
     owner_pid INTEGER,
     owner_host TEXT,
     held_past_exit INTEGER NOT NULL,
     pull_request INTEGER,
     job_id INTEGER,
     parent TEXT
   );`;

/**
 * The message a user turned away by a held line sees: who holds it, since
 * when, why, and how to release it.
 *
 * @example
 * describeLineLock(lock)
 * // 'ubuntu-24.04 is busy: promotion 3 (promote of ubuntu-24.04) was requested by cli:alice and has held the line
 * //  since 2026-11-24T10:00:00.000Z (process 4242 on build-01); to release it: it ends on its own; …'
 */
export function describeLineLock(lock: LineLock): string {
  const owner = lock.ownerPid ? ` (process ${lock.ownerPid} on ${lock.ownerHost})` : '';
  return `${lock.line} is busy: ${lock.reason} was requested by ${lock.holder} and has held the line since ${lock.since}${owner}; to release it: ${lock.release}`;
}

/**
 * One lock per line for builds, promotions, rollbacks and approvals on
 * GitHub, in the job store's SQLite file. Taking it is a decision that must
 * hold across processes, so it happens inside an IMMEDIATE transaction (the
 * caller's, or one of its own). A lock whose holder is gone (a finished job;
 * an approval whose process died on this host) counts as free.
 *
 * @example
 * const locks = new LineLocks(db);
 * const taken = locks.take({ line: 'ubuntu-24.04', kind: 'promote', token: 'promotion:3', holder: 'cli:alice',
 *   reason: 'promotion 3 (promote of ubuntu-24.04)', release: 'wait for it to end', heldPastExit: true });
 * if (!taken.ok) throw new Error(describeLineLock(taken.holder));
 */
export class LineLocks {
  constructor(private readonly db: Database.Database) {}

  /** The live lock on `line`, or undefined when the line is free. */
  holder(line: string, host = hostname()): LineLock | undefined {
    const row = this.db.prepare<[string], LockRow>('SELECT * FROM line_locks WHERE line = ?').get(line);
    return row && !this.isStale(row, host) ? toLock(row) : undefined;
  }

  /** Every live lock, by line. */
  all(host = hostname()): LineLock[] {
    return this.db
      .prepare<[], LockRow>('SELECT * FROM line_locks ORDER BY line')
      .all()
      .filter((row) => !this.isStale(row, host))
      .map(toLock);
  }

  /**
   * Takes `request.line`, unless someone else holds it: then answers with
   * the holder. A line held by the lock `under` (the caller's own approval)
   * is taken over, and that lock comes back when this one is released.
   */
  take(request: LineLockRequest, under?: string): { ok: true; lock: LineLock } | { ok: false; holder: LineLock } {
    return this.inTransaction(() => {
      const current = this.holder(request.line);
      if (current && current.token !== under) return { ok: false as const, holder: current };
      const parent = current && current.token === under ? current : null;
      this.db
        .prepare(
          `INSERT OR REPLACE INTO line_locks (line, kind, token, holder, reason, release, since, owner_pid, owner_host, held_past_exit, pull_request, job_id, parent)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          request.line,
          request.kind,
          request.token,
          request.holder,
          request.reason,
          request.release,
          new Date().toISOString(),
          request.owner?.pid ?? null,
          request.owner?.host ?? null,
          request.heldPastExit ? 1 : 0,
          request.pullRequest ?? parent?.pullRequest ?? null,
          request.jobId ?? null,
          parent ? JSON.stringify(parent) : null,
        );
      return { ok: true as const, lock: this.holder(request.line)! };
    });
  }

  /**
   * Releases the lock `token` holds on `line`: the lock it was taken under
   * comes back, if any. Releasing a lock that a child took over only forgets
   * it, so the child frees the line when it ends.
   */
  release(line: string, token: string): void {
    this.inTransaction(() => {
      const row = this.db.prepare<[string], LockRow>('SELECT * FROM line_locks WHERE line = ?').get(line);
      if (!row) return;
      if (row.token === token) {
        const parent = row.parent ? (JSON.parse(row.parent) as LineLock) : null;
        this.db.prepare('DELETE FROM line_locks WHERE line = ?').run(line);
        if (parent) this.restore(parent);
      } else if (row.parent && (JSON.parse(row.parent) as LineLock).token === token) {
        this.db.prepare('UPDATE line_locks SET parent = NULL WHERE line = ?').run(line);
      }
    });
  }

  /** Records which process does the work now (a resumed promotion), or none (interrupted). */
  setOwner(line: string, token: string, owner: { pid: number; host: string } | null): void {
    this.db.prepare('UPDATE line_locks SET owner_pid = ?, owner_host = ? WHERE line = ? AND token = ?').run(owner?.pid ?? null, owner?.host ?? null, line, token);
  }

  private restore(lock: LineLock): void {
    this.db
      .prepare(
        `INSERT INTO line_locks (line, kind, token, holder, reason, release, since, owner_pid, owner_host, held_past_exit, pull_request, job_id, parent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(lock.line, lock.kind, lock.token, lock.holder, lock.reason, lock.release, lock.since, lock.ownerPid, lock.ownerHost, lock.heldPastExit ? 1 : 0, lock.pullRequest, lock.jobId, lock.parent ? JSON.stringify(lock.parent) : null);
  }

  private isStale(row: LockRow, host: string): boolean {
    if (row.held_past_exit === 0 && row.owner_host === host && !isProcessAlive(row.owner_pid ?? 0)) return true;
    if (row.kind === 'build' && row.job_id !== null) {
      // A build holds its line until the job ends: finish() releases it, and so does marking a dead one interrupted.
      const job = this.db.prepare<[number], { state: JobState }>('SELECT state FROM jobs WHERE id = ?').get(row.job_id);
      return !job || FINAL_STATES.includes(job.state);
    }
    return false;
  }

  private inTransaction<T>(act: () => T): T {
    return this.db.inTransaction ? act() : this.db.transaction(act).immediate();
  }
}
