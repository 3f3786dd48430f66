import type { Migration } from '../../pipeline/apply-migrations.js';

/**
 * The Slack bot's tables in the job store's SQLite file. Append only: never
 * edit one that has shipped. Every Slack store opens the file with the whole
 * list, so whichever opens first creates all of them.
 *
 * @example
 * const db = openDatabase(path, Database, SLACK_MIGRATIONS);
 */
export const SLACK_MIGRATIONS: readonly Migration[] = [
  {
    id: 'slack-1',
    sql: `CREATE TABLE slack_messages (
      job_id INTEGER PRIMARY KEY,
      channel TEXT NOT NULL,
      ts TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );`,
  },
  {
    id: 'slack-2',
    // One b-tree, in time order: an insert lands on the last page and pruning is a range delete.
    // The signature (computed here, lowercase hex, not the header as sent) covers the timestamp, so
    // (signed_at, signature) is unique exactly when the signature is.
    sql: `CREATE TABLE slack_seen_requests (
      signed_at INTEGER NOT NULL,
      signature TEXT NOT NULL,
      received_at TEXT NOT NULL,
      PRIMARY KEY (signed_at, signature)
    ) WITHOUT ROWID;`,
  },
];
