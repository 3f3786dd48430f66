/**
 * Work started on the side (a promotion pull request after a build) that a
 * shutdown must wait for, up to a deadline, before the stores it uses close.
 *
 * @example
 * const pending = new PendingTasks();
 * pending.add(github.openPromotionPullRequest({ record, jobId }));
 * await pending.settled(Date.now() + 10_000); // true when all ended in time
 */
export class PendingTasks {
  private readonly tasks = new Set<Promise<unknown>>();

  /** Tracks `task` until it settles; its outcome is the caller's to handle. */
  add<T>(task: Promise<T>): Promise<T> {
    const tracked = task.finally(() => this.tasks.delete(tracked));
    this.tasks.add(tracked);
    // The caller handles the outcome; this copy only must not count as unhandled.
    tracked.catch(() => undefined);
    return tracked;
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Resolves true once every task (including ones added meanwhile) settled, or false at `deadline` (ms since the epoch). */
  async settled(deadline: number): Promise<boolean> {
    while (this.tasks.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), left)));
      const outcome = await Promise.race([Promise.allSettled([...this.tasks]), timedOut]);
      clearTimeout(timer);
      if (outcome === 'late') return false;
    }
    return true;
  }
}
