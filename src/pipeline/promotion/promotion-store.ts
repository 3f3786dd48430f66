import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { isProcessAlive } from '../../evidence/is-process-alive.js';
import type { PromotionRun, Requester } from '../../evidence/run-schema.js';
import { openDatabase } from '../apply-migrations.js';
import { PROMOTION_MIGRATIONS } from './promotion-schema.js';
import type { JournalStep, LineBuild, Promotion, PromotionAction, PromotionPlan } from './promotion-types.js';

interface PromotionRow {
  id: number;
  line: string;
  action: PromotionAction;
  base_name: string;
  folder: string;
  state: Promotion['state'];
  direction: Promotion['direction'];
  requester_source: Requester['source'];
  requester_user: string;
  approvers: string;
  pull_request: string | null;
  expected_sums: string | null;
  build_record: string | null;
  build_sums: string | null;
  plan: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  started_at: string;
  finished_at: string | null;
  reason: string | null;
  record_path: string | null;
  log_path: string | null;
}

const toPromotion = (row: PromotionRow): Promotion => ({
  id: row.id,
  line: row.line,
  action: row.action,
  baseName: row.base_name,
  folder: row.folder,
  state: row.state,
  direction: row.direction,
  requester: { source: row.requester_source, user: row.requester_user },
  approvers: JSON.parse(row.approvers) as Requester[],
  pullRequest: row.pull_request ? (JSON.parse(row.pull_request) as PromotionRun['pull_request']) : null,
  expectedSums: row.expected_sums,
  build: row.build_record && row.build_sums ? { record: row.build_record, sums_sha256: row.build_sums } : null,
  plan: row.plan ? (JSON.parse(row.plan) as PromotionPlan) : null,
  ownerPid: row.owner_pid,
  ownerHost: row.owner_host,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  reason: row.reason,
  recordPath: row.record_path,
  logPath: row.log_path,
});

const now = () => new Date().toISOString();

export interface NewPromotion {
  line: string;
  action: PromotionAction;
  baseName: string;
  folder: string;
  requester: Requester;
  approvers: Requester[];
  pullRequest: PromotionRun['pull_request'];
  expectedSums: string | null;
}

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
 * each line's `<base>-build`. Decisions that must hold across processes (one
 * open promotion per line; no promotion while the line's `-build` is being
 * rebuilt) are taken inside IMMEDIATE transactions, and a partial unique
 * index backs the first.
 *
 * @example
 * const journal = PromotionStore.open('.goldsmith/jobs.sqlite');
 * const begun = journal.begin({ line: 'sim-ubuntu-24.04', action: 'promote', ... });
 */
export class PromotionStore {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string): PromotionStore {
    const db = openDatabase(path, Database, PROMOTION_MIGRATIONS);
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

  /** The line's unfinished promotion or rollback, if any. */
  open(line: string): Promotion | undefined {
    const row = this.db.prepare<[string], PromotionRow>("SELECT * FROM promotions WHERE line = ? AND state IN ('running', 'interrupted')").get(line);
    return row ? toPromotion(row) : undefined;
  }

  /**
   * Starts a promotion or rollback of a line, owned by this process, unless
   * another one is open on the line or a build is replacing its `-build`.
   */
  begin(input: NewPromotion, owner: Owner = self()): BeginResult {
    return this.db
      .transaction((): BeginResult => {
        const holder = this.open(input.line);
        if (holder) return { ok: false, holder, message: `${input.line} is busy: ${describeHolder(holder)}` };
        const building = this.lineBuild(input.line);
        if (building?.state === 'building') {
          return {
            ok: false,
            message: `${input.line} is busy: build job ${building.jobId} started replacing ${input.baseName}-build at ${building.updatedAt}; promote once it has finished (goldsmith job ${building.jobId})`,
          };
        }
        const { lastInsertRowid } = this.db
          .prepare(
            `INSERT INTO promotions (line, action, base_name, folder, state, requester_source, requester_user, approvers, pull_request, expected_sums, owner_pid, owner_host, started_at)
             VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.line,
            input.action,
            input.baseName,
            input.folder,
            input.requester.source,
            input.requester.user,
            JSON.stringify(input.approvers),
            input.pullRequest ? JSON.stringify(input.pullRequest) : null,
            input.expectedSums,
            owner.pid,
            owner.host,
            now(),
          );
        return { ok: true, promotion: this.get(Number(lastInsertRowid))! };
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

  /** Ends a promotion for good. */
  finish(id: number, state: 'succeeded' | 'failed', reason: string | null, recordPath: string | null = null): Promotion {
    this.db
      .prepare('UPDATE promotions SET state = ?, reason = ?, record_path = ?, finished_at = ?, owner_pid = NULL, owner_host = NULL WHERE id = ?')
      .run(state, reason, recordPath, now(), id);
    return this.get(id)!;
  }

  /** Leaves a promotion for a later resume: vCenter did not answer, or the process is stopping. */
  interrupt(id: number, reason: string): Promotion {
    this.db.prepare("UPDATE promotions SET state = 'interrupted', reason = ?, owner_pid = NULL, owner_host = NULL WHERE id = ?").run(reason, id);
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
    return row ? { line: row.line, state: row.state, jobId: row.job_id, record: row.record, moref: row.moref, updatedAt: row.updated_at } : undefined;
  }

  /**
   * Claims a line's `-build` for a build job, unless a promotion or rollback
   * of the line is open: then answers with it (the build waits or fails).
   */
  markBuilding(line: string, jobId: number): { ok: true } | { ok: false; holder: Promotion } {
    return this.db
      .transaction(() => {
        const holder = this.open(line);
        if (holder) return { ok: false as const, holder };
        this.db
          .prepare("INSERT INTO line_builds (line, state, job_id, record, moref, updated_at) VALUES (?, 'building', ?, NULL, NULL, ?) ON CONFLICT (line) DO UPDATE SET state = 'building', job_id = excluded.job_id, record = NULL, moref = NULL, updated_at = excluded.updated_at")
          .run(line, jobId, now());
        return { ok: true as const };
      })
      .immediate();
  }

  /** Notes that a job built the line's `-build` for `record` (as `moref`, when known). */
  markBuilt(line: string, jobId: number, record: string, moref: string | null): void {
    this.db
      .prepare("INSERT INTO line_builds (line, state, job_id, record, moref, updated_at) VALUES (?, 'built', ?, ?, ?, ?) ON CONFLICT (line) DO UPDATE SET state = 'built', job_id = excluded.job_id, record = excluded.record, moref = excluded.moref, updated_at = excluded.updated_at")
      .run(line, jobId, record, moref, now());
  }

  /** Forgets the line's `-build`: its job failed (no `-build` is left), or a promotion consumed it. */
  clearBuild(line: string, jobId?: number): void {
    if (jobId === undefined) this.db.prepare('DELETE FROM line_builds WHERE line = ?').run(line);
    else this.db.prepare('DELETE FROM line_builds WHERE line = ? AND job_id = ?').run(line, jobId);
  }
}
