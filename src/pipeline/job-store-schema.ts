import type { Migration } from './apply-migrations.js';
import { LINE_LOCKS_SQL } from './line-locks.js';

/**
 * The job store's migrations. Append only: never edit one that has shipped.
 * Every store sharing the job store's file applies these first, so the line
 * lock's table is there whichever opens the file first.
 */
export const JOB_STORE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'jobs-1',
    sql: `CREATE TABLE jobs (
     id INTEGER PRIMARY KEY,
     line TEXT NOT NULL,
     requester_source TEXT NOT NULL,
     requester_user TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
     stage TEXT,
     reason TEXT,
     created_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT,
     exit_code INTEGER,
     log_path TEXT,
     record_path TEXT,
     log_sha256 TEXT,
     artifact_id TEXT,
     tail TEXT,
     cancel_requested INTEGER NOT NULL DEFAULT 0,
     owner_pid INTEGER,
     owner_host TEXT
   );
   CREATE INDEX jobs_by_state ON jobs (state, line);
   CREATE TABLE events (
     id INTEGER PRIMARY KEY,
     job_id INTEGER REFERENCES jobs (id),
     at TEXT NOT NULL,
     kind TEXT NOT NULL,
     detail TEXT NOT NULL
   );
   CREATE INDEX events_by_job ON events (job_id, id);
   CREATE TABLE workers (
     pid INTEGER NOT NULL,
     host TEXT NOT NULL,
     started_at TEXT NOT NULL,
     heartbeat_at TEXT NOT NULL,
     PRIMARY KEY (pid, host)
   );`,
  },
  {
    // Packer runs in its own process group: recorded so a restarted goldsmith can stop what a killed one left running.
    id: 'jobs-2-packer-process-group',
    sql: `ALTER TABLE jobs ADD COLUMN packer_pgid INTEGER;
   ALTER TABLE jobs ADD COLUMN packer_binary TEXT;`,
  },
  {
    // The matrix entry as it was when the job was queued: the build and its record never look the line up again.
    id: 'jobs-3-entry',
    sql: 'ALTER TABLE jobs ADD COLUMN entry TEXT;',
  },
  {
    // One lock per line for builds, promotions, rollbacks and approvals (src/pipeline/line-locks.ts).
    id: 'jobs-4-line-locks',
    sql: LINE_LOCKS_SQL,
  },
  {
    // Where a build runs, and its CI run: a restarted goldsmith re-attaches to remote builds instead of marking them interrupted.
    id: 'jobs-5-executor',
    sql: `ALTER TABLE jobs ADD COLUMN executor TEXT NOT NULL DEFAULT 'local';
   ALTER TABLE jobs ADD COLUMN remote TEXT;`,
  },
];
