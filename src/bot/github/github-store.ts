import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Requester } from '../../evidence/run-schema.js';
import { openDatabase, type Migration } from '../../pipeline/apply-migrations.js';
import { JOB_STORE_MIGRATIONS } from '../../pipeline/job-store-schema.js';
import { LineLocks, type LineLock } from '../../pipeline/line-locks.js';

/** The GitHub app's migrations, in the job store's SQLite file. Append only: never edit one that has shipped. */
export const GITHUB_MIGRATIONS: readonly Migration[] = [
  {
    id: 'github-1',
    sql: `CREATE TABLE github_deliveries (
      id TEXT PRIMARY KEY,
      event TEXT NOT NULL,
      received_at TEXT NOT NULL
    );
    CREATE TABLE github_pull_requests (
      repository TEXT NOT NULL,
      number INTEGER NOT NULL,
      url TEXT NOT NULL,
      branch TEXT NOT NULL,
      line TEXT NOT NULL,
      record TEXT NOT NULL,
      sums_sha256 TEXT NOT NULL,
      job_id INTEGER,
      requester_source TEXT NOT NULL,
      requester_user TEXT NOT NULL,
      base_sha TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('open', 'promoted', 'rejected')),
      opened_at TEXT NOT NULL,
      closed_at TEXT,
      closed_by TEXT,
      promotion_record TEXT,
      PRIMARY KEY (repository, number)
    );
    CREATE UNIQUE INDEX github_pull_requests_by_record ON github_pull_requests (repository, record);
    CREATE INDEX github_pull_requests_by_job ON github_pull_requests (job_id);
    CREATE TABLE github_approvals (
      repository TEXT NOT NULL,
      number INTEGER NOT NULL,
      login TEXT NOT NULL,
      sums_sha256 TEXT NOT NULL,
      approved_at TEXT NOT NULL,
      PRIMARY KEY (repository, number, login, sums_sha256)
    );
    CREATE TABLE github_line_locks (
      line TEXT PRIMARY KEY,
      action TEXT NOT NULL,
      holder TEXT NOT NULL,
      pull_request INTEGER,
      since TEXT NOT NULL,
      owner_pid INTEGER NOT NULL,
      owner_host TEXT NOT NULL
    );`,
  },
  {
    id: 'github-2',
    sql: `CREATE TABLE github_blobs (
      repository TEXT NOT NULL,
      sha TEXT NOT NULL,
      uploaded_at TEXT NOT NULL,
      PRIMARY KEY (repository, sha)
    ) WITHOUT ROWID;`,
  },
  {
    // Approvals take the one line lock that builds and promotions take (src/pipeline/line-locks.ts).
    id: 'github-3-one-line-lock',
    sql: 'DROP TABLE github_line_locks;',
  },
];

/**
 * The Git blobs goldsmith uploaded to one repository, by SHA. A remembered
 * blob is very likely still there (it sits in a branch goldsmith pushed), not
 * certainly: a deleted branch's blobs may be collected, so a tree naming one
 * can be refused and the blob must then be uploaded again.
 */
export interface BlobMemory {
  /** Which of these SHAs were uploaded before. */
  uploaded(shas: readonly string[]): Set<string>;
  remember(shas: readonly string[]): void;
}

/** A promotion pull request goldsmith opened, as it remembers it. */
export interface PromotionPullRequest {
  repository: string;
  number: number;
  url: string;
  branch: string;
  line: string;
  /** The build record, `builds/<line>/<ts>`. */
  record: string;
  /** SHA-256 of the build record's SHA256SUMS when the pull request was opened: what an approval binds to. */
  sumsSha256: string;
  jobId: number | null;
  requestedBy: Requester;
  /** The base branch commit the pull request's records were last laid onto. */
  baseSha: string;
  state: 'open' | 'promoted' | 'rejected';
  openedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  promotionRecord: string | null;
}

interface PullRequestRow {
  repository: string;
  number: number;
  url: string;
  branch: string;
  line: string;
  record: string;
  sums_sha256: string;
  job_id: number | null;
  requester_source: Requester['source'];
  requester_user: string;
  base_sha: string;
  state: PromotionPullRequest['state'];
  opened_at: string;
  closed_at: string | null;
  closed_by: string | null;
  promotion_record: string | null;
}

const toPullRequest = (row: PullRequestRow): PromotionPullRequest => ({
  repository: row.repository,
  number: row.number,
  url: row.url,
  branch: row.branch,
  line: row.line,
  record: row.record,
  sumsSha256: row.sums_sha256,
  jobId: row.job_id,
  requestedBy: { source: row.requester_source, user: row.requester_user },
  baseSha: row.base_sha,
  state: row.state,
  openedAt: row.opened_at,
  closedAt: row.closed_at,
  closedBy: row.closed_by,
  promotionRecord: row.promotion_record,
});

const now = () => new Date().toISOString();

/** How long a delivery id is remembered: far beyond GitHub's redelivery window. */
const DELIVERY_RETENTION_MS = 90 * 24 * 3600 * 1000;

/**
 * What the GitHub app must remember across restarts, in the job store's
 * SQLite file: the webhook deliveries already handled (GitHub redelivers),
 * the promotion pull requests it opened and the digest each binds, the
 * approvals given, and the Git blobs it uploaded (so a push never sends the
 * same file twice). Which line is being promoted by whom is the line lock's
 * (shared with builds and promotions).
 *
 * @example
 * const store = GitHubStore.open('.goldsmith/jobs.sqlite');
 * if (!store.claimDelivery(deliveryId, 'issue_comment')) return; // handled before
 */
export class GitHubStore {
  private readonly locks: LineLocks;

  private constructor(private readonly db: Database.Database) {
    this.locks = new LineLocks(db);
  }

  static open(path: string): GitHubStore {
    // The job store's migrations first: the line lock's table is one of them.
    const db = openDatabase(path, Database, [...JOB_STORE_MIGRATIONS, ...GITHUB_MIGRATIONS]);
    // GitHub redelivers within days, not months: older ids only take space.
    db.prepare('DELETE FROM github_deliveries WHERE received_at < ?').run(new Date(Date.now() - DELIVERY_RETENTION_MS).toISOString());
    return new GitHubStore(db);
  }

  close(): void {
    this.db.close();
  }

  /** True the first time a delivery id is seen, false for every redelivery of it. */
  claimDelivery(id: string, event: string): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO github_deliveries (id, event, received_at) VALUES (?, ?, ?)').run(id, event, now()).changes === 1;
  }

  savePullRequest(pr: Omit<PromotionPullRequest, 'state' | 'openedAt' | 'closedAt' | 'closedBy' | 'promotionRecord'>): PromotionPullRequest {
    this.db
      .prepare(
        `INSERT INTO github_pull_requests (repository, number, url, branch, line, record, sums_sha256, job_id, requester_source, requester_user, base_sha, state, opened_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
      )
      .run(pr.repository, pr.number, pr.url, pr.branch, pr.line, pr.record, pr.sumsSha256, pr.jobId, pr.requestedBy.source, pr.requestedBy.user, pr.baseSha, now());
    return this.pullRequest(pr.repository, pr.number)!;
  }

  pullRequest(repository: string, number: number): PromotionPullRequest | undefined {
    const row = this.db.prepare<[string, number], PullRequestRow>('SELECT * FROM github_pull_requests WHERE repository = ? AND number = ?').get(repository, number);
    return row ? toPullRequest(row) : undefined;
  }

  /** The pull request opened for a build record, if any. */
  pullRequestOfRecord(repository: string, record: string): PromotionPullRequest | undefined {
    const row = this.db.prepare<[string, string], PullRequestRow>('SELECT * FROM github_pull_requests WHERE repository = ? AND record = ?').get(repository, record);
    return row ? toPullRequest(row) : undefined;
  }

  /** The newest pull request opened for a build job, if any. */
  pullRequestOfJob(jobId: number): PromotionPullRequest | undefined {
    const row = this.db.prepare<[number], PullRequestRow>('SELECT * FROM github_pull_requests WHERE job_id = ? ORDER BY opened_at DESC LIMIT 1').get(jobId);
    return row ? toPullRequest(row) : undefined;
  }

  setBaseSha(repository: string, number: number, baseSha: string): void {
    this.db.prepare('UPDATE github_pull_requests SET base_sha = ? WHERE repository = ? AND number = ?').run(baseSha, repository, number);
  }

  /** Ends a pull request's life: promoted (with the promotion record) or rejected. */
  closePullRequest(repository: string, number: number, state: 'promoted' | 'rejected', by: string, promotionRecord: string | null = null): void {
    this.db
      .prepare('UPDATE github_pull_requests SET state = ?, closed_at = ?, closed_by = ?, promotion_record = ? WHERE repository = ? AND number = ?')
      .run(state, now(), by, promotionRecord, repository, number);
  }

  /** Records an approval of the digest; returns every distinct approver of that digest so far, oldest first. */
  addApproval(repository: string, number: number, login: string, sumsSha256: string): string[] {
    this.db.prepare('INSERT OR IGNORE INTO github_approvals (repository, number, login, sums_sha256, approved_at) VALUES (?, ?, ?, ?, ?)').run(repository, number, login, sumsSha256, now());
    return this.approvers(repository, number, sumsSha256);
  }

  approvers(repository: string, number: number, sumsSha256: string): string[] {
    return this.db
      .prepare<[string, number, string], { login: string }>('SELECT login FROM github_approvals WHERE repository = ? AND number = ? AND sums_sha256 = ? ORDER BY approved_at, login')
      .all(repository, number, sumsSha256)
      .map((row) => row.login);
  }

  /**
   * Takes the line's lock for one promotion or rollback approved here, for
   * as long as this process works on it (the promotion itself runs under
   * it), unless anything holds the line: a build, a promotion, another
   * approval. Then the holder is returned. A lock whose process died is free.
   *
   * @example
   * const taken = store.lockLine({ line: 'ubuntu-24.04', action: 'promote', login: 'bob', pullRequest: 42 });
   * if (taken.ok) try { … } finally { store.unlockLine('ubuntu-24.04', taken.token); }
   */
  lockLine(lock: { line: string; action: 'promote' | 'rollback'; login: string; pullRequest: number }, owner = { pid: process.pid, host: hostname() }): { ok: true; token: string } | { ok: false; holder: LineLock } {
    const token = `github:${randomUUID()}`;
    const taken = this.locks.take({
      line: lock.line,
      kind: lock.action,
      token,
      holder: `github:${lock.login}`,
      reason: `/${lock.action} on #${lock.pullRequest}`,
      release: `it frees the line once the ${lock.action} and its pull request are done (if goldsmith serve stops meanwhile, at once)`,
      owner,
      heldPastExit: false,
      pullRequest: lock.pullRequest,
    });
    return taken.ok ? { ok: true, token } : taken;
  }

  /** The blobs uploaded to `repository` before, so a push names them instead of sending them again. */
  blobMemory(repository: string): BlobMemory {
    const has = this.db.prepare<[string, string], { sha: string }>('SELECT sha FROM github_blobs WHERE repository = ? AND sha = ?');
    const insert = this.db.prepare('INSERT OR IGNORE INTO github_blobs (repository, sha, uploaded_at) VALUES (?, ?, ?)');
    return {
      uploaded: (shas) => new Set(shas.filter((sha) => has.get(repository, sha) !== undefined)),
      remember: (shas) => {
        const at = now();
        this.db.transaction(() => {
          for (const sha of shas) insert.run(repository, sha, at);
        })();
      },
    };
  }

  /** Releases what lockLine took (a promotion still running under it keeps the line until it ends). */
  unlockLine(line: string, token: string): void {
    this.locks.release(line, token);
  }
}
