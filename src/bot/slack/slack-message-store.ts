import Database from 'better-sqlite3';
import { openDatabase } from '../../pipeline/apply-migrations.js';
import { SLACK_MIGRATIONS } from './slack-migrations.js';

/** Where a job's channel message is. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/**
 * The channel message of each job, kept in the job store's SQLite file so a
 * restarted `goldsmith serve` updates the same message instead of posting a
 * second one.
 *
 * @example
 * const messages = SlackMessageStore.open('.goldsmith/jobs.sqlite');
 * messages.save(12, { channel: 'C123', ts: '1700000000.000100' });
 */
export class SlackMessageStore {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string): SlackMessageStore {
    const db = openDatabase(path, Database, SLACK_MIGRATIONS);
    return new SlackMessageStore(db);
  }

  get(jobId: number): MessageRef | undefined {
    return this.db.prepare<[number], MessageRef>('SELECT channel, ts FROM slack_messages WHERE job_id = ?').get(jobId);
  }

  save(jobId: number, ref: MessageRef): void {
    this.db
      .prepare('INSERT INTO slack_messages (job_id, channel, ts, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET channel = excluded.channel, ts = excluded.ts, updated_at = excluded.updated_at')
      .run(jobId, ref.channel, ref.ts, new Date().toISOString());
  }

  forget(jobId: number): void {
    this.db.prepare('DELETE FROM slack_messages WHERE job_id = ?').run(jobId);
  }

  close(): void {
    this.db.close();
  }
}
