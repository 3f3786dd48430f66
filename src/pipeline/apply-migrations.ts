import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** One schema change, applied once per database and never edited after it ships. */
export interface Migration {
  /** Unique across goldsmith, such as `jobs-1`: each module owns its own prefix. */
  id: string;
  sql: string;
}

/**
 * Applies the migrations `db` has not seen yet, in order, in one IMMEDIATE
 * transaction, so two processes starting at once apply each exactly once.
 * Modules that share the job store's SQLite file (jobs, promotions, Slack
 * messages) each keep their own list.
 *
 * @example
 * applyMigrations(db, [{ id: 'promotions-1', sql: 'CREATE TABLE promotions (...)' }]);
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  db.transaction(() => {
    const applied = new Set(db.prepare<[], { id: string }>('SELECT id FROM migrations').all().map((row) => row.id));
    for (const migration of migrations) {
      if (applied.has(migration.id)) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO migrations (id, applied_at) VALUES (?, ?)').run(migration.id, new Date().toISOString());
    }
  }).immediate();
}

/**
 * Opens the shared SQLite file as every goldsmith store does (creating its
 * folder): WAL, so readers never block the writer; a busy timeout, so
 * concurrent processes wait rather than fail; then the store's migrations.
 *
 * @example
 * const db = openDatabase('.goldsmith/jobs.sqlite', Database, JOB_STORE_MIGRATIONS);
 */
export function openDatabase(path: string, Driver: typeof Database, migrations: readonly Migration[]): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Driver(path, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  applyMigrations(db, migrations);
  return db;
}
