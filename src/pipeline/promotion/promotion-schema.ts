import type { Migration } from '../apply-migrations.js';

/**
 * The promotion journal's migrations, on the job store's SQLite file.
 * Append only: never edit one that has shipped. (`folder` holds the store's
 * location, `line_builds.moref` the store's reference, whatever the platform.)
 */
export const PROMOTION_MIGRATIONS: readonly Migration[] = [
  {
    id: 'promotions-1',
    sql: `CREATE TABLE promotions (
     id INTEGER PRIMARY KEY,
     line TEXT NOT NULL,
     action TEXT NOT NULL CHECK (action IN ('promote', 'rollback')),
     base_name TEXT NOT NULL,
     folder TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('running', 'interrupted', 'succeeded', 'failed')),
     direction TEXT NOT NULL DEFAULT 'forward' CHECK (direction IN ('forward', 'revert')),
     requester_source TEXT NOT NULL,
     requester_user TEXT NOT NULL,
     approvers TEXT NOT NULL,
     pull_request TEXT,
     expected_sums TEXT,
     build_record TEXT,
     build_sums TEXT,
     plan TEXT,
     owner_pid INTEGER,
     owner_host TEXT,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     reason TEXT,
     record_path TEXT,
     log_path TEXT
   );
   -- One unfinished promotion or rollback per line, enforced by SQLite itself.
   CREATE UNIQUE INDEX promotions_one_open_per_line ON promotions (line) WHERE state IN ('running', 'interrupted');
   CREATE TABLE promotion_steps (
     id INTEGER PRIMARY KEY,
     promotion_id INTEGER NOT NULL REFERENCES promotions (id),
     key TEXT NOT NULL,
     name TEXT NOT NULL,
     phase TEXT NOT NULL CHECK (phase IN ('started', 'ok', 'skipped', 'failed')),
     detail TEXT NOT NULL,
     at TEXT NOT NULL
   );
   CREATE INDEX promotion_steps_by_promotion ON promotion_steps (promotion_id, id);
   -- What goldsmith knows of each line's <base>-build: being rebuilt by a job, or built for a record.
   CREATE TABLE line_builds (
     line TEXT PRIMARY KEY,
     state TEXT NOT NULL CHECK (state IN ('building', 'built')),
     job_id INTEGER,
     record TEXT,
     moref TEXT,
     updated_at TEXT NOT NULL
   );`,
  },
  {
    // Which template store a promotion works in; rows from before stores were plug-ins had the only one there was.
    id: 'promotions-2-platform',
    sql: "ALTER TABLE promotions ADD COLUMN platform TEXT NOT NULL DEFAULT 'vsphere';",
  },
];
