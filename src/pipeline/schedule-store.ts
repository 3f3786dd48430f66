import Database from 'better-sqlite3';
import { openDatabase, type Migration } from './apply-migrations.js';

/** The schedule's migrations. Append only: never edit one that has shipped. */
export const SCHEDULE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'schedule-1',
    // One row: the slot last run (or, before the first run, when the schedule was first seen).
    sql: `CREATE TABLE schedule_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      last_slot TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );`,
  },
  {
    id: 'schedule-2',
    // Other weekly schedules (the ISO check), one row each, by name.
    sql: `CREATE TABLE named_schedule_state (
      name TEXT PRIMARY KEY,
      last_slot TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );`,
  },
];

/**
 * Where the weekly schedule keeps the slot it last ran, in the job store's
 * SQLite file, so a restart (or a second `goldsmith serve`) never runs a slot
 * twice.
 *
 * @example
 * const schedule = ScheduleStore.open('.goldsmith/jobs.sqlite');
 * if (schedule.claim(slot)) queue.request('all', { source: 'schedule', user: 'schedule' });
 */
export class ScheduleStore {
  private constructor(
    private readonly db: Database.Database,
    private readonly name: string | undefined,
  ) {}

  /**
   * Opens the build schedule's state, or with `name` another weekly
   * schedule's (`iso-check`), each claimed on its own.
   */
  static open(path: string, now: Date = new Date(), name?: string): ScheduleStore {
    const db = openDatabase(path, Database, SCHEDULE_MIGRATIONS);
    // The first start is the baseline: slots before it are not "missed".
    if (name === undefined) db.prepare('INSERT OR IGNORE INTO schedule_state (id, last_slot, updated_at) VALUES (1, ?, ?)').run(now.toISOString(), now.toISOString());
    else db.prepare('INSERT OR IGNORE INTO named_schedule_state (name, last_slot, updated_at) VALUES (?, ?, ?)').run(name, now.toISOString(), now.toISOString());
    return new ScheduleStore(db, name);
  }

  /** The slot last run, or the time the schedule was first seen. */
  lastRun(): Date {
    const row =
      this.name === undefined
        ? this.db.prepare<[], { last_slot: string }>('SELECT last_slot FROM schedule_state WHERE id = 1').get()
        : this.db.prepare<[string], { last_slot: string }>('SELECT last_slot FROM named_schedule_state WHERE name = ?').get(this.name);
    return new Date(row!.last_slot);
  }

  /** Records `slot` as run; false when it (or a later one) already was, by this process or another. */
  claim(slot: Date, now: Date = new Date()): boolean {
    return this.db
      .transaction(() => {
        const { changes } =
          this.name === undefined
            ? this.db
                .prepare('UPDATE schedule_state SET last_slot = ?, updated_at = ? WHERE id = 1 AND last_slot < ?')
                .run(slot.toISOString(), now.toISOString(), slot.toISOString())
            : this.db
                .prepare('UPDATE named_schedule_state SET last_slot = ?, updated_at = ? WHERE name = ? AND last_slot < ?')
                .run(slot.toISOString(), now.toISOString(), this.name, slot.toISOString());
        return changes === 1;
      })
      .immediate();
  }

  close(): void {
    this.db.close();
  }
}
