import { dueScheduledRun, nextScheduledRun, type Schedule } from './next-scheduled-run.js';
import type { ScheduleStore } from './schedule-store.js';

export interface WeeklyTaskOptions {
  schedule: Schedule;
  /** Its own slot state (ScheduleStore.open(path, now, name)). */
  store: ScheduleStore;
  /** The work of a due slot; a second slot never starts while one runs. */
  run: (slot: Date) => Promise<void>;
  onError?: (error: Error) => void;
  now?: () => Date;
  /** How often to look at the clock (default 30 s). */
  intervalMs?: number;
}

export interface WeeklyTask {
  /** Starts the due slot, if any (claimed first, so a restart or a second process never runs it again); resolves when it ends. */
  check(): Promise<void>;
  next(): Date | undefined;
  /** Stops the timer; resolves when a running slot has ended. */
  stop(): Promise<void>;
}

/**
 * A weekly task besides the builds (the ISO check of `goldsmith serve`):
 * the same slot rule as the build schedule (next-scheduled-run.ts: a missed
 * slot runs once on return, a fresh install waits for the next one), its own
 * claimed slot in the job store, and asynchronous work.
 *
 * @example
 * const task = startWeeklyTask({ schedule: config.media.check_schedule, store: ScheduleStore.open(db, new Date(), 'iso-check'), run: () => checkIsoUpdates(…).then(() => undefined) });
 */
export function startWeeklyTask(options: WeeklyTaskOptions): WeeklyTask {
  const now = options.now ?? (() => new Date());
  let running: Promise<void> | undefined;
  const check = (): Promise<void> => {
    if (running) return running;
    const at = now();
    const slot = dueScheduledRun(options.schedule, at, options.store.lastRun());
    if (!slot || !options.store.claim(slot, at)) return Promise.resolve();
    running = options
      .run(slot)
      .catch((error: Error) => options.onError?.(error))
      .finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? 30_000);
  timer.unref();
  return {
    check,
    next: () => nextScheduledRun(options.schedule, now()),
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
