import type { JobStore } from './job-store.js';

/**
 * Writes audit-trail events in batches: many events a second cost one
 * transaction instead of one each. An event is written within `intervalMs`
 * (and at `flush()`, which shutdown calls), stamped with the time it happened.
 * For events that may come in bursts on a latency-sensitive path, such as a
 * refused `/image build` of a busy line; a crash loses at most the last
 * interval's events.
 *
 * @example
 * const batcher = new EventBatcher(store);
 * batcher.add(null, 'refused', 'build win2025 for slack:U123: win2025 is busy: job 12 …');
 * await shutdown(); batcher.stop();
 */
export class EventBatcher {
  private pending: Array<{ jobId: number | null; kind: string; detail: string; at: string }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Pick<JobStore, 'addEvents'>,
    intervalMs = 1_000,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  add(jobId: number | null, kind: string, detail: string): void {
    this.pending.push({ jobId, kind, detail, at: new Date().toISOString() });
  }

  /** Writes what is pending now. */
  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.store.addEvents(batch);
    } catch (error) {
      // Kept for the next flush: a busy database must not lose the audit trail.
      this.pending = [...batch, ...this.pending];
      this.onError(error as Error);
    }
  }

  /** Flushes and stops the timer. */
  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
