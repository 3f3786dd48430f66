import type { Requester } from '../evidence/run-schema.js';
import type { RequestResult } from './job-types.js';
import { dueScheduledRun, nextScheduledRun, type Schedule } from './next-scheduled-run.js';
import type { ScheduleStore } from './schedule-store.js';

export interface ScheduleRunnerOptions {
  schedule: Schedule;
  store: ScheduleStore;
  /** Queues builds: BuildQueue#request. */
  request: (selector: string, requester: Requester) => RequestResult[];
  /** Reorders the slot's selectors before they are queued (schedule.expired_first: expired lines first). */
  order?: ((selectors: string[]) => string[]) | undefined;
  /** Told about every scheduled run, with what was queued and what was refused. */
  onRun?: (slot: Date, results: RequestResult[]) => void;
  /** Told when a check throws (the timer keeps running). */
  onError?: (error: Error) => void;
  now?: () => Date;
  /** How often to look at the clock (default 30 s). */
  intervalMs?: number;
}

export interface ScheduleRunner {
  /** Runs the due slot, if any: the results, or undefined when nothing was due. */
  check(): RequestResult[] | undefined;
  /** The next slot, for /healthz and logs. */
  next(): Date | undefined;
  stop(): void;
}

/** The requester of every scheduled build, as run.json records it. */
export const SCHEDULE_REQUESTER: Requester = { source: 'schedule', user: 'weekly-schedule' };

/**
 * Runs the weekly rebuild: every `intervalMs` it asks whether a slot is due
 * (nextScheduledRun.ts decides), claims the slot in the job store's database
 * so that neither a restart nor a second process runs it again, and queues
 * the configured lines (in the order `order` gives, when set). A busy line
 * is refused like any other request.
 *
 * @example
 * const runner = startSchedule({ schedule: config.schedule, store, request: (s, r) => queue.request(s, r) });
 * // on shutdown
 * runner.stop();
 */
export function startSchedule(options: ScheduleRunnerOptions): ScheduleRunner {
  const now = options.now ?? (() => new Date());
  const check = (): RequestResult[] | undefined => {
    const at = now();
    const slot = dueScheduledRun(options.schedule, at, options.store.lastRun());
    if (!slot || !options.store.claim(slot, at)) return undefined;
    const configured = options.schedule.lines === 'all' ? ['all'] : options.schedule.lines;
    const selectors = options.order ? options.order(configured) : configured;
    const results = selectors.flatMap((selector) => options.request(selector, SCHEDULE_REQUESTER));
    options.onRun?.(slot, results);
    return results;
  };
  const timer = setInterval(() => {
    try {
      check();
    } catch (error) {
      options.onError?.(error as Error);
    }
  }, options.intervalMs ?? 30_000);
  timer.unref();
  return { check, next: () => nextScheduledRun(options.schedule, now()), stop: () => clearInterval(timer) };
}
