import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import type { MatrixEntry } from '../config/matrix-schema.js';
import type { Requester } from '../evidence/run-schema.js';
import { openDatabase } from './apply-migrations.js';
import { cachePreparedStatements } from './cache-prepared-statements.js';
import { describeBusyLine } from './describe-busy-line.js';
import { JOB_STORE_MIGRATIONS } from './job-store-schema.js';
import { buildReleaseOf, toJob, type JobRow } from './job-row.js';
import type { Job, JobEvent, JobState, RemoteRun, RequestResult } from './job-types.js';
import { describeLineLock, LineLocks } from './line-locks.js';
import { isProcessAlive } from '../evidence/is-process-alive.js';

/** A Packer process group a dead goldsmith process left behind. */
export interface LeftoverProcessGroup {
  jobId: number;
  pgid: number;
  /** The Packer executable that was started, to tell the group from a reused process id. */
  binary: string | null;
}

const now = () => new Date().toISOString();

/** How a job ends. */
export interface JobEnding {
  state: Extract<JobState, 'succeeded' | 'failed' | 'cancelled'>;
  reason: string | null;
  exitCode?: number | null;
  recordPath?: string | null;
  logSha256?: string | null;
  artifactId?: string | null;
  tail?: string | null;
}

/**
 * The job store: one SQLite file (WAL, busy timeout) shared by every goldsmith
 * process on the machine. Every decision that must hold across processes (the
 * line lock, at most max_parallel running) is taken inside an IMMEDIATE
 * transaction, so two processes can never both win. A build holds its line's
 * lock from the moment it is queued until it ends.
 *
 * @example
 * const store = JobStore.open('.goldsmith/jobs.sqlite');
 * const result = store.request('ubuntu-24.04', { source: 'cli', user: 'alice' });
 */
export class JobStore {
  private readonly locks: LineLocks;

  private constructor(private readonly db: Database.Database) {
    this.locks = new LineLocks(db);
  }

  static open(path: string): JobStore {
    const db = openDatabase(path, Database, JOB_STORE_MIGRATIONS);
    cachePreparedStatements(db);
    return new JobStore(db);
  }

  close(): void {
    this.db.close();
  }

  private row(id: number): Job | undefined {
    const row = this.db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?').get(id);
    return row ? toJob(row) : undefined;
  }

  get(id: number): Job | undefined {
    return this.row(id);
  }

  /** Newest first. */
  list(options: { limit?: number; states?: readonly JobState[]; line?: string } = {}): Job[] {
    const states = options.states ?? [];
    const where = [states.length > 0 ? `state IN (${states.map(() => '?').join(', ')})` : '', options.line ? 'line = ?' : ''].filter(Boolean);
    const sql = `SELECT * FROM jobs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const params = [...states, ...(options.line ? [options.line] : []), options.limit ?? 50];
    return this.db.prepare<unknown[], JobRow>(sql).all(...params).map(toJob);
  }

  events(jobId: number): JobEvent[] {
    return this.db
      .prepare<[number], { id: number; job_id: number | null; at: string; kind: string; detail: string }>('SELECT * FROM events WHERE job_id = ? ORDER BY id')
      .all(jobId)
      .map((row) => ({ id: row.id, jobId: row.job_id, at: row.at, kind: row.kind, detail: row.detail }));
  }

  /** Appends to the audit trail, of a job or (jobId null) of the service, such as a refused request. */
  addEvent(jobId: number | null, kind: string, detail: string): void {
    this.db.prepare('INSERT INTO events (job_id, at, kind, detail) VALUES (?, ?, ?, ?)').run(jobId, now(), kind, detail);
  }

  /** Appends several events in one transaction, each at its own time: for callers that batch a burst of them. */
  addEvents(events: ReadonlyArray<{ jobId: number | null; kind: string; detail: string; at: string }>): void {
    const insert = this.db.prepare('INSERT INTO events (job_id, at, kind, detail) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const event of events) insert.run(event.jobId, event.at, event.kind, event.detail);
    })();
  }

  /**
   * Queues a build of `line`, taking the line's lock, unless the line is
   * held: by a queued or running job, a promotion, a rollback or an approval.
   * Then the answer says who holds it, since when, why, and how to release
   * it. `entry` (the matrix entry as read now) travels with the job: the
   * build and its record never look the line up again.
   */
  request(line: string, requester: Requester, entry?: MatrixEntry, executor = 'local'): RequestResult {
    return this.db
      .transaction((): RequestResult => {
        const holder = this.db.prepare<[string], JobRow>("SELECT * FROM jobs WHERE line = ? AND state IN ('queued', 'running') ORDER BY id LIMIT 1").get(line);
        const lock = this.locks.holder(line);
        if (holder || lock) {
          const job = holder ? toJob(holder) : undefined;
          const message = job ? `${describeBusyLine(job)}; to release it: ${buildReleaseOf(job.id)}` : describeLineLock(lock!);
          this.addEvent(null, 'refused', `build ${line} for ${requester.source}:${requester.user}: ${message}`);
          return { ok: false, holder: job, message };
        }
        const { lastInsertRowid } = this.db
          .prepare("INSERT INTO jobs (line, requester_source, requester_user, state, created_at, entry, executor) VALUES (?, ?, ?, 'queued', ?, ?, ?)")
          .run(line, requester.source, requester.user, now(), entry ? JSON.stringify(entry) : null, executor);
        const id = Number(lastInsertRowid);
        this.locks.take({
          line,
          kind: 'build',
          token: `job:${id}`,
          holder: `${requester.source}:${requester.user}`,
          reason: `build job ${id}`,
          release: buildReleaseOf(id),
          heldPastExit: true,
          jobId: id,
        });
        this.addEvent(id, 'queued', `requested by ${requester.source}:${requester.user}`);
        return { ok: true, job: this.row(id)! };
      })
      .immediate();
  }

  /**
   * Starts the oldest queued job whose line has nothing running, if its
   * executor has a free slot: `limits` is one number for every executor
   * (max_parallel), or a limit per executor kind (local builds share the
   * host's max_parallel; a CI engine has its own concurrency). Undefined
   * when nothing may start now.
   */
  claimNext(limits: number | ((executor: string) => number), owner: { pid: number; host: string } = { pid: process.pid, host: hostname() }): Job | undefined {
    const limitOf = typeof limits === 'number' ? () => limits : limits;
    return this.db
      .transaction((): Job | undefined => {
        const running = this.db.prepare<[], { executor: string; line: string }>("SELECT executor, line FROM jobs WHERE state = 'running'").all();
        const busyLines = new Set(running.map((row) => row.line));
        const slotsUsed = (executor: string) => (typeof limits === 'number' ? running.length : running.filter((row) => row.executor === executor).length);
        const candidates = this.db.prepare<[], { id: number; line: string; executor: string }>("SELECT id, line, executor FROM jobs WHERE state = 'queued' ORDER BY id").all();
        const next = candidates.find((row) => !busyLines.has(row.line) && slotsUsed(row.executor) < limitOf(row.executor));
        if (!next) return undefined;
        this.db
          .prepare("UPDATE jobs SET state = 'running', started_at = ?, owner_pid = ?, owner_host = ? WHERE id = ?")
          .run(now(), owner.pid, owner.host, next.id);
        this.addEvent(next.id, 'started', `by process ${owner.pid} on ${owner.host}`);
        return this.row(next.id);
      })
      .immediate();
  }

  /** Keeps where a remote build runs (its key before the dispatch, the run once known). */
  setRemote(id: number, remote: RemoteRun): void {
    this.db.prepare('UPDATE jobs SET remote = ? WHERE id = ?').run(JSON.stringify(remote), id);
  }

  /**
   * Takes over the remote builds a stopped goldsmith process (on this host)
   * was following: they keep running on their CI engine, so they are
   * re-attached, not interrupted. Returns them, now owned by `owner`.
   */
  adoptRemote(owner: { pid: number; host: string } = { pid: process.pid, host: hostname() }): Job[] {
    return this.db
      .transaction(() => {
        const orphans = this.db
          .prepare<[string], JobRow>("SELECT * FROM jobs WHERE state = 'running' AND owner_host = ? AND remote IS NOT NULL")
          .all(owner.host)
          .filter((row) => row.owner_pid !== owner.pid && !isProcessAlive(row.owner_pid ?? 0));
        for (const row of orphans) {
          this.db.prepare('UPDATE jobs SET owner_pid = ? WHERE id = ?').run(owner.pid, row.id);
          this.addEvent(row.id, 're-attached', `process ${owner.pid} follows the remote run that process ${row.owner_pid} left`);
        }
        return orphans.map((row) => this.row(row.id)!);
      })
      .immediate();
  }

  setStage(id: number, stage: string): void {
    this.db.prepare('UPDATE jobs SET stage = ? WHERE id = ?').run(stage, id);
    this.addEvent(id, 'stage', stage);
  }

  /** Records the process group Packer runs in (its leader's pid), or clears it (null) once Packer has exited. */
  setPackerProcess(id: number, pgid: number | null, binary: string | null): void {
    this.db.prepare('UPDATE jobs SET packer_pgid = ?, packer_binary = ? WHERE id = ?').run(pgid, binary, id);
  }

  /** Packer process groups of running jobs whose goldsmith process (on this host) is gone. */
  leftoverProcessGroups(host = hostname()): LeftoverProcessGroup[] {
    return this.db
      .prepare<[string], JobRow>("SELECT * FROM jobs WHERE state = 'running' AND owner_host = ? AND packer_pgid IS NOT NULL")
      .all(host)
      .filter((row) => !isProcessAlive(row.owner_pid ?? 0))
      .map((row) => ({ jobId: row.id, pgid: row.packer_pgid!, binary: row.packer_binary }));
  }

  setLogPath(id: number, logPath: string): void {
    this.db.prepare('UPDATE jobs SET log_path = ? WHERE id = ?').run(logPath, id);
  }

  /** Who asked to cancel a running job (`slack:U0123`), from its audit trail; undefined when nobody did. */
  private cancelledBy(id: number): string | undefined {
    const row = this.db.prepare<[number], { detail: string }>("SELECT detail FROM events WHERE job_id = ? AND kind = 'cancel-requested' ORDER BY id DESC LIMIT 1").get(id);
    return row?.detail.replace(/^by /, '');
  }

  /** Ends a job and releases its line. A build cancelled on request says by whom. */
  finish(id: number, given: JobEnding): Job {
    const by = given.state === 'cancelled' && given.reason?.startsWith('cancelled on request') ? this.cancelledBy(id) : undefined;
    const ending = by ? { ...given, reason: given.reason!.replace('cancelled on request', `cancelled on request of ${by}`) } : given;
    this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE jobs SET state = ?, reason = ?, finished_at = ?, exit_code = ?, record_path = ?, log_sha256 = ?, artifact_id = ?, tail = ? WHERE id = ?',
        )
        .run(ending.state, ending.reason, now(), ending.exitCode ?? null, ending.recordPath ?? null, ending.logSha256 ?? null, ending.artifactId ?? null, ending.tail ?? null, id);
      this.releaseLine(id);
      this.addEvent(id, ending.state, ending.reason ?? '');
    })();
    return this.row(id)!;
  }

  private releaseLine(id: number): void {
    const job = this.row(id);
    if (job) this.locks.release(job.line, `job:${id}`);
  }

  /**
   * Cancels a queued job at once, or asks the process running it to stop
   * Packer; answers with the job, or why it cannot be cancelled.
   */
  cancel(id: number, by: Requester): { ok: true; job: Job } | { ok: false; message: string } {
    return this.db
      .transaction(() => {
        const job = this.row(id);
        if (!job) return { ok: false as const, message: `there is no job ${id}; "goldsmith jobs" lists them` };
        if (job.state === 'queued') {
          this.db.prepare("UPDATE jobs SET state = 'cancelled', reason = ?, finished_at = ? WHERE id = ?").run(`cancelled by ${by.user} before it started`, now(), id);
          this.releaseLine(id);
          this.addEvent(id, 'cancelled', `by ${by.source}:${by.user}`);
        } else if (job.state === 'running') {
          this.db.prepare('UPDATE jobs SET cancel_requested = 1 WHERE id = ?').run(id);
          this.addEvent(id, 'cancel-requested', `by ${by.source}:${by.user}`);
        } else return { ok: false as const, message: `job ${id} has already ${job.state === 'interrupted' ? 'been interrupted' : job.state}` };
        return { ok: true as const, job: this.row(id)! };
      })
      .immediate();
  }

  /**
   * Marks every job left running by a process that no longer exists (on this
   * host) as interrupted, naming what it left behind; returns them.
   */
  markInterrupted(host = hostname(), stoppedGroups: ReadonlyMap<number, string> = new Map()): Job[] {
    return this.db
      .transaction(() => {
        const orphans = this.db
          .prepare<[string], JobRow>("SELECT * FROM jobs WHERE state = 'running' AND owner_host = ?")
          .all(host)
          .filter((row) => !isProcessAlive(row.owner_pid ?? 0));
        for (const row of orphans) {
          const reason =
            `goldsmith process ${row.owner_pid} stopped while the job was running${row.stage ? ` (stage: ${row.stage})` : ''}; no record was sealed. ` +
            `${stoppedGroups.get(row.id) ?? ''}Its log is kept at ${row.log_path ?? '(none yet)'}; a VM named for the build may remain on the target: check "goldsmith templates ${row.line}"`;
          this.db.prepare("UPDATE jobs SET state = 'interrupted', reason = ?, finished_at = ? WHERE id = ?").run(reason, now(), row.id);
          this.releaseLine(row.id);
          this.addEvent(row.id, 'interrupted', reason);
        }
        return orphans.map((row) => this.row(row.id)!);
      })
      .immediate();
  }

  /** Registers (or refreshes) a process that runs jobs. */
  heartbeat(pid = process.pid, host = hostname()): void {
    this.db
      .prepare('INSERT INTO workers (pid, host, started_at, heartbeat_at) VALUES (?, ?, ?, ?) ON CONFLICT (pid, host) DO UPDATE SET heartbeat_at = excluded.heartbeat_at')
      .run(pid, host, now(), now());
  }

  removeWorker(pid = process.pid, host = hostname()): void {
    this.db.prepare('DELETE FROM workers WHERE pid = ? AND host = ?').run(pid, host);
  }

  /** True when a live process on this host runs jobs. */
  hasLiveWorker(host = hostname()): boolean {
    return this.db
      .prepare<[string], { pid: number }>('SELECT pid FROM workers WHERE host = ?')
      .all(host)
      .some((row) => isProcessAlive(row.pid));
  }

  /**
   * How long the line's builds usually take: the median of its last ten
   * successful builds, in milliseconds; undefined before its first one.
   */
  typicalDurationMs(line: string): number | undefined {
    const durations = this.db
      .prepare<[string], { ms: number }>(
        "SELECT (julianday(finished_at) - julianday(started_at)) * 86400000 AS ms FROM jobs WHERE line = ? AND state = 'succeeded' AND started_at IS NOT NULL ORDER BY id DESC LIMIT 10",
      )
      .all(line)
      .map((row) => row.ms)
      .sort((a, b) => a - b);
    if (durations.length === 0) return undefined;
    const middle = Math.floor(durations.length / 2);
    return durations.length % 2 === 1 ? durations[middle] : (durations[middle - 1]! + durations[middle]!) / 2;
  }

  /** Jobs by state, for /metrics. */
  countByState(): Record<JobState, number> {
    const counts = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, interrupted: 0 };
    for (const row of this.db.prepare<[], { state: JobState; n: number }>('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all()) counts[row.state] = row.n;
    return counts;
  }
}
