import type { JobStore } from '../../pipeline/job-store.js';
import type { Job } from '../../pipeline/job-types.js';

/** What `/image status` shows without arguments. */
export interface JobOverview {
  /** Running and queued jobs, newest first. */
  active: Job[];
  /** The latest finished jobs, newest first. */
  recent: Job[];
}

/** Reads the overview from the job store (two queries). */
export function readJobOverview(store: JobStore): JobOverview {
  return {
    active: store.list({ states: ['running', 'queued'], limit: 20 }),
    recent: store.list({ states: ['succeeded', 'failed', 'cancelled', 'interrupted'], limit: 5 }),
  };
}

/**
 * The status overview, kept in memory. Every change this process makes goes
 * through the build queue, which calls `invalidate()`, so those show at once;
 * changes by other processes (a `goldsmith build` on the host) show within
 * `maxAgeMs`. Why: reading the store is most of the cost of a status ack when
 * builds write to it, and a burst of `/image status` should not queue behind
 * SQLite.
 *
 * @example
 * const overview = new RecentJobs(store);
 * queue.on('update', () => overview.invalidate());
 * formatStatus(store, {}, new Date(), overview.read());
 */
export class RecentJobs {
  private snapshot: (JobOverview & { at: number }) | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly maxAgeMs = 500,
    private readonly now: () => number = Date.now,
  ) {}

  invalidate(): void {
    this.snapshot = undefined;
  }

  read(): JobOverview {
    const now = this.now();
    if (!this.snapshot || now - this.snapshot.at > this.maxAgeMs) this.snapshot = { at: now, ...readJobOverview(this.store) };
    return this.snapshot;
  }
}
