import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { isProcessAlive } from '../../evidence/is-process-alive.js';
import type { PromotionRun, Requester } from '../../evidence/run-schema.js';
import { openDatabase } from '../apply-migrations.js';
import { JOB_STORE_MIGRATIONS } from '../job-store-schema.js';
import { describeLineLock, LineLocks, type LineLock } from '../line-locks.js';
import { PROMOTION_MIGRATIONS } from './promotion-schema.js';
import { toPromotion, type PromotionRow } from './promotion-row.js';
import type { JournalStep, LineBuild, Promotion, PromotionAction, PromotionPlan } from './promotion-types.js';

const now = () => new Date().toISOString();

export interface NewPromotion {
  line: string;
  action: PromotionAction;
  baseName: string;
  platform: string;
  /** The store's location now: a resume works there. */
  location: string;
  requester: Requester;
  approvers: Requester[];
  pullRequest: PromotionRun['pull_request'];
  expectedSums: string | null;
  /**
   * The token of a line lock the caller holds already (a pull request's
   * approval): the promotion takes the line over from it, and hands it back
   * when it ends.
   */
  underLock?: string | undefined;
}

/** How a promotion's hold on its line is released, for whoever is turned away. */
export function promotionReleaseOf(action: PromotionAction, line: string): string {
  return `it frees the line when it ends; if it was interrupted or its process died, "goldsmith ${action} ${line}" (or a restart of goldsmith serve) finishes it`;
}

const tokenOf = (id: number) => `promotion:${id}`;

export interface Owner {
  pid: number;
  host: string;
}

const self = (): Owner => ({ pid: process.pid, host: hostname() });

/** The answer to "may I start?": the new promotion, or who holds the line and since when. */
export type BeginResult = { ok: true; promotion: Promotion } | { ok: false; message: string; holder?: Promotion };

/**
 * Describes the promotion that holds a line, for the user who was turned away.
 *
 * @example
 * describeHolder(p) // 'promotion 3 (promote of sim-ubuntu-24.04) was requested by cli:alice and has held the line since …'
 */
export function describeHolder(holder: Promotion): string {
  const who = `${holder.requester.source}:${holder.requester.user}`;
  const owner = holder.ownerPid ? ` (process ${holder.ownerPid} on ${holder.ownerHost})` : '';
  const what = `promotion ${holder.id} (${holder.action} of ${holder.line})`;
  if (holder.state === 'interrupted') return `${what}, requested by ${who} at ${holder.startedAt}, was interrupted: ${holder.reason ?? 'no reason recorded'}`;
  return `${what} was requested by ${who} and has held the line since ${holder.startedAt}${owner}`;
}

/**
 * The promotion journal, in the job store's SQLite file: every promotion and
 * rollback, each step before and after it runs, and what goldsmith knows of
 * each line's `<base>-build`. A promotion takes the line lock (shared with
 * builds and approvals) when it begins and frees it when it ends; an
 * interrupted one keeps it until it is resumed and finished. Decisions that
 * must hold across processes are taken inside IMMEDIATE transactions, and a
 * partial unique index backs "one open promotion per line".
 *
 * @example
 * const journal = PromotionStore.open('.goldsmith/jobs.sqlite');
 * const begun = journal.begin({ line: 'sim-ubuntu-24.04', action: 'promote', ... });
 */
export class PromotionStore {
  private readonly locks: LineLocks;

  private constructor(private readonly db: Database.Database) {
    this.locks = new LineLocks(db);
  }

  static open(path: string): PromotionStore {
    // The job store's migrations first: the line lock's table is one of them.
    const db = openDatabase(path, Database, [...JOB_STORE_MIGRATIONS, ...PROMOTION_MIGRATIONS]);
    return new PromotionStore(db);
  }

  close(): void {
    this.db.close();
  }

  get(id: number): Promotion | undefined {
    const row = this.db.prepare<[number], PromotionRow>('SELECT * FROM promotions WHERE id = ?').get(id);
    return row ? toPromotion(row) : undefined;
  }

  /** Newest first. */
  list(options: { line?: string; limit?: number } = {}): Promotion[] {
    const sql = `SELECT * FROM promotions ${options.line ? 'WHERE line = ?' : ''} ORDER BY id DESC LIMIT ?`;
    return this.db
      .prepare<unknown[], PromotionRow>(sql)
      .all(...(options.line ? [options.line] : []), options.limit ?? 50)
      .map(toPromotion);
  }

  /** Who holds the line now (a build, a promotion, an approval), if anyone. */
  lineLock(line: string): LineLock | undefined {
    return this.locks.holder(line);
  }

  /** The line's unfinished promotion or rollback, if any. */
  open(line: string): Promotion | undefined {
    const row = this.db.prepare<[string], PromotionRow>("SELECT * FROM promotions WHERE line = ? AND state IN ('running', 'interrupted')").get(line);
    return row ? toPromotion(row) : undefined;
  }

  /**
   * Starts a promotion or rollback of a line, owned by this process, taking
   * the line's lock, unless another promotion is open on the line or
   * anything else holds it (a build, an approval on GitHub): then the answer
   * says who, since when, why and how to release it.
   */
  begin(input: NewPromotion, owner: Owner = self()): BeginResult {
    return this.db
      .transaction((): BeginResult => {
        const holder = this.open(input.line);
        if (holder) return { ok: false, holder, message: `${input.line} is busy: ${describeHolder(holder)}; to release it: ${promotionReleaseOf(holder.action, holder.line)}` };
        const lock = this.locks.holder(input.line);
        if (lock && lock.token !== input.underLock) return { ok: false, message: describeLineLock(lock) };
        const { lastInsertRowid } = this.db
          .prepare(
            `INSERT INTO promotions (line, action, base_name, folder, platform, state, requester_source, requester_user, approvers, pull_request, expected_sums, owner_pid, owner_host, started_at)
             VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.line,
            input.action,
            input.baseName,
            input.location,
            input.platform,
            input.requester.source,
            input.requester.user,
            JSON.stringify(input.approvers),
            input.pullRequest ? JSON.stringify(input.pullRequest) : null,
            input.expectedSums,
            owner.pid,
            owner.host,
            now(),
          );
        const id = Number(lastInsertRowid);
        this.locks.take(
          {
            line: input.line,
            kind: input.action,
            token: tokenOf(id),
            // Under an approval the approver holds the line, as far as anyone turned away is concerned.
            holder: lock?.holder ?? `${input.requester.source}:${input.requester.user}`,
            reason: `promotion ${id} (${input.action} of ${input.line})${lock?.pullRequest ? ` approved on #${lock.pullRequest}` : ''}`,
            release: promotionReleaseOf(input.action, input.line),
            owner,
            heldPastExit: true,
          },
          input.underLock,
        );
        return { ok: true, promotion: this.get(id)! };
      })
      .immediate();
  }

  setLogPath(id: number, logPath: string): void {
    this.db.prepare('UPDATE promotions SET log_path = ? WHERE id = ?').run(logPath, id);
  }

  /** Stores what the check step found: the build record and the plan, fixed before anything changes. */
  setPlan(id: number, plan: PromotionPlan, build: PromotionRun['build']): void {
    this.db.prepare('UPDATE promotions SET plan = ?, build_record = ?, build_sums = ? WHERE id = ?').run(JSON.stringify(plan), build?.record ?? null, build?.sums_sha256 ?? null, id);
  }

  setDirection(id: number, direction: Promotion['direction'], reason: string): void {
    this.db.prepare('UPDATE promotions SET direction = ?, reason = ? WHERE id = ?').run(direction, reason, id);
  }

  /** Journals a step: call with `started` before it acts and with its result after. */
  journal(id: number, step: Omit<JournalStep, 'at'>): void {
    this.db.prepare('INSERT INTO promotion_steps (promotion_id, key, name, phase, detail, at) VALUES (?, ?, ?, ?, ?, ?)').run(id, step.key, step.name, step.phase, step.detail, now());
  }

  steps(id: number): JournalStep[] {
    return this.db.prepare<[number], JournalStep>('SELECT key, name, phase, detail, at FROM promotion_steps WHERE promotion_id = ? ORDER BY id').all(id);
  }

  /** Ends a promotion for good, and frees its line (or hands it back to the approval it ran under). */
  finish(id: number, state: 'succeeded' | 'failed', reason: string | null, recordPath: string | null = null): Promotion {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE promotions SET state = ?, reason = ?, record_path = ?, finished_at = ?, owner_pid = NULL, owner_host = NULL WHERE id = ?')
        .run(state, reason, recordPath, now(), id);
      this.locks.release(this.get(id)!.line, tokenOf(id));
    })();
    return this.get(id)!;
  }

  /** Leaves a promotion for a later resume (the store did not answer, or the process is stopping); it keeps its line. */
  interrupt(id: number, reason: string): Promotion {
    this.db.transaction(() => {
      this.db.prepare("UPDATE promotions SET state = 'interrupted', reason = ?, owner_pid = NULL, owner_host = NULL WHERE id = ?").run(reason, id);
      this.locks.setOwner(this.get(id)!.line, tokenOf(id), null);
    })();
    return this.get(id)!;
  }

  /** Open promotions nobody runs: interrupted ones, and those whose process on this host has died. */
  resumable(host = hostname()): Promotion[] {
    return this.db
      .prepare<[], PromotionRow>("SELECT * FROM promotions WHERE state IN ('running', 'interrupted') ORDER BY id")
      .all()
      .map(toPromotion)
      .filter((row) => row.state === 'interrupted' || (row.ownerHost === host && !isProcessAlive(row.ownerPid ?? 0)));
  }

  /** Makes this process the owner of a resumable promotion; false when another process got there first. */
  takeOver(id: number, owner: Owner = self()): boolean {
    return this.db
      .transaction((): boolean => {
        const current = this.get(id);
        if (!current || !this.resumable(owner.host).some((row) => row.id === id)) return false;
        this.db.prepare("UPDATE promotions SET state = 'running', owner_pid = ?, owner_host = ? WHERE id = ?").run(owner.pid, owner.host, id);
        this.locks.setOwner(current.line, tokenOf(id), owner);
        return true;
      })
      .immediate();
  }

  lineBuild(line: string): LineBuild | undefined {
    const row = this.db
      .prepare<[string], { line: string; state: LineBuild['state']; job_id: number | null; record: string | null; moref: string | null; updated_at: string }>(
        'SELECT * FROM line_builds WHERE line = ?',
      )
      .get(line);
    return row ? { line: row.line, state: row.state, jobId: row.job_id, record: row.record, ref: row.moref, updatedAt: row.updated_at } : undefined;
  }

  /** Notes that a job is replacing the line's `-build` (the job's line lock keeps promotions away meanwhile). */
  noteBuilding(line: string, jobId: number): void {
    this.db
      .prepare("INSERT INTO line_builds (line, state, job_id, record, moref, updated_at) VALUES (?, 'building', ?, NULL, NULL, ?) ON CONFLICT (line) DO UPDATE SET state = 'building', job_id = excluded.job_id, record = NULL, moref = NULL, updated_at = excluded.updated_at")
      .run(line, jobId, now());
  }

  /** Notes that a job built the line's `-build` for `record` (as the store's `ref`, when known). */
  markBuilt(line: string, jobId: number, record: string, ref: string | null): void {
    this.db
      .prepare("INSERT INTO line_builds (line, state, job_id, record, moref, updated_at) VALUES (?, 'built', ?, ?, ?, ?) ON CONFLICT (line) DO UPDATE SET state = 'built', job_id = excluded.job_id, record = excluded.record, moref = excluded.moref, updated_at = excluded.updated_at")
      .run(line, jobId, record, ref, now());
  }

  /** Forgets the line's `-build`: its job failed (no `-build` is left), or a promotion consumed it. */
  clearBuild(line: string, jobId?: number): void {
    if (jobId === undefined) this.db.prepare('DELETE FROM line_builds WHERE line = ?').run(line);
    else this.db.prepare('DELETE FROM line_builds WHERE line = ? AND job_id = ?').run(line, jobId);
  }
}
