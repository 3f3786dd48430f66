import Database from 'better-sqlite3';
import { openDatabase } from '../../pipeline/apply-migrations.js';
import { SLACK_MIGRATIONS } from './slack-migrations.js';

/** What `remember` found: the request is new, or when it was first received. */
export type SeenVerdict = { first: true } | { first: false; receivedAt: string };

/** Pruning is a write; once a minute keeps it off almost every request. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The signatures of the signed Slack requests goldsmith has accepted, kept in
 * the job store's SQLite file so a request replayed after a restart is still
 * known. A row is useful only while its timestamp could still pass the
 * timestamp check; older ones are pruned.
 *
 * @example
 * const seen = SeenSlackRequests.open('.goldsmith/jobs.sqlite', { keepSeconds: 600 });
 * const verdict = seen.remember(signatureHex, Number(timestampHeader));
 * if (!verdict.first) refuse(`already received at ${verdict.receivedAt}`);
 */
export class SeenSlackRequests {
  private readonly insert: Database.Statement<[number, string, string]>;
  private readonly lookup: Database.Statement<[number, string], { received_at: string }>;
  private readonly deleteOld: Database.Statement<[number]>;
  private prunedAt = 0;

  private constructor(
    private readonly db: Database.Database,
    private readonly keepSeconds: number,
  ) {
    // ON CONFLICT DO NOTHING on the primary key: of two copies arriving at once (in this process or
    // another one on the same file) exactly one inserts, and the other sees changes = 0.
    this.insert = db.prepare('INSERT INTO slack_seen_requests (signed_at, signature, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.lookup = db.prepare('SELECT received_at FROM slack_seen_requests WHERE signed_at = ? AND signature = ?');
    this.deleteOld = db.prepare('DELETE FROM slack_seen_requests WHERE signed_at < ?');
  }

  /** Opens the table in the SQLite file at `path` (creating it), keeping each signature for `keepSeconds` past its timestamp. */
  static open(path: string, options: { keepSeconds: number }): SeenSlackRequests {
    const seen = new SeenSlackRequests(openDatabase(path, Database, SLACK_MIGRATIONS), options.keepSeconds);
    seen.prune();
    return seen;
  }

  /**
   * Records `signature` (of a request whose signature and timestamp have been
   * checked) unless it is already there. Only the first caller for a
   * signature gets `first: true`.
   */
  remember(signature: string, signedAt: number, now = new Date()): SeenVerdict {
    if (now.getTime() - this.prunedAt >= PRUNE_EVERY_MS) this.prune(now);
    if (this.insert.run(signedAt, signature, now.toISOString()).changes === 1) return { first: true };
    // Pruned between the two statements only if it is past the window, which the caller has ruled out.
    return { first: false, receivedAt: this.lookup.get(signedAt, signature)?.received_at ?? 'an earlier time' };
  }

  /** Deletes the signatures whose timestamps are more than `keepSeconds` old; returns how many. */
  prune(now = new Date()): number {
    this.prunedAt = now.getTime();
    return this.deleteOld.run(Math.floor(now.getTime() / 1000) - this.keepSeconds).changes;
  }

  close(): void {
    this.db.close();
  }
}
