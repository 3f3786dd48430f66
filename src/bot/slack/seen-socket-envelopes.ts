import Database from 'better-sqlite3';
import { openDatabase, type Migration } from '../../pipeline/apply-migrations.js';
import type { SeenVerdict } from './seen-slack-requests.js';

/** Append only: never edit one that has shipped. Its own prefix: slack_seen_requests' (signed_at, signature) key cannot hold an envelope, which has no signed time. */
const SOCKET_MODE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'slack-socket-1',
    sql: `CREATE TABLE slack_seen_envelopes (
      envelope_id TEXT PRIMARY KEY,
      received_s INTEGER NOT NULL,
      received_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX slack_seen_envelopes_received ON slack_seen_envelopes (received_s);`,
  },
];

const PRUNE_EVERY_MS = 60_000;

/**
 * The `envelope_id` of every Socket Mode envelope goldsmith has taken, in the
 * job store's SQLite file: Slack sends an envelope again (same id, a higher
 * `retry_attempt`) when its ack did not arrive, and a second `goldsmith
 * serve` on the same file may be the one that gets the copy. Of two copies,
 * exactly one is `first` (an insert on the primary key).
 *
 * @example
 * const seen = SeenSocketEnvelopes.open('.goldsmith/jobs.sqlite', { keepSeconds: 3600 });
 * if (!seen.remember(envelope.envelope_id).first) return ack();
 */
export class SeenSocketEnvelopes {
  private readonly insert: Database.Statement<[string, number, string]>;
  private readonly lookup: Database.Statement<[string], { received_at: string }>;
  private readonly deleteOld: Database.Statement<[number]>;
  private prunedAt = 0;

  private constructor(
    private readonly db: Database.Database,
    private readonly keepSeconds: number,
  ) {
    this.insert = db.prepare('INSERT INTO slack_seen_envelopes (envelope_id, received_s, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.lookup = db.prepare('SELECT received_at FROM slack_seen_envelopes WHERE envelope_id = ?');
    this.deleteOld = db.prepare('DELETE FROM slack_seen_envelopes WHERE received_s < ?');
  }

  /** Opens (creating) the table in the SQLite file at `path`; an id is kept `keepSeconds` after it was first received. */
  static open(path: string, options: { keepSeconds: number }): SeenSocketEnvelopes {
    const seen = new SeenSocketEnvelopes(openDatabase(path, Database, SOCKET_MODE_MIGRATIONS), options.keepSeconds);
    seen.prune();
    return seen;
  }

  /** Records `envelopeId` unless it is already there; only the first caller gets `first: true`. */
  remember(envelopeId: string, now = new Date()): SeenVerdict {
    if (now.getTime() - this.prunedAt >= PRUNE_EVERY_MS) this.prune(now);
    if (this.insert.run(envelopeId, Math.floor(now.getTime() / 1000), now.toISOString()).changes === 1) return { first: true };
    return { first: false, receivedAt: this.lookup.get(envelopeId)?.received_at ?? 'an earlier time' };
  }

  /** Deletes the ids first received more than `keepSeconds` ago; returns how many. */
  prune(now = new Date()): number {
    this.prunedAt = now.getTime();
    return this.deleteOld.run(Math.floor(now.getTime() / 1000) - this.keepSeconds).changes;
  }

  close(): void {
    this.db.close();
  }
}
