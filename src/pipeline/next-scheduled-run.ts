import type { z } from 'zod';
import type { scheduleSchema } from '../config/config-schema.js';

export type Schedule = z.infer<typeof scheduleSchema>;

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const WEEK_MS = 7 * 24 * 3600 * 1000;

/** The newest slot (`day` at `time`, UTC) at or before `now`. */
function latestSlot(schedule: Schedule, now: Date): Date {
  const [hours, minutes] = schedule.time.split(':').map(Number) as [number, number];
  const daysBack = (now.getUTCDay() - DAYS.indexOf(schedule.day) + 7) % 7;
  const slot = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - daysBack, hours, minutes));
  return slot.getTime() > now.getTime() ? new Date(slot.getTime() - WEEK_MS) : slot;
}

/**
 * The first scheduled run strictly after `after`, or undefined when the
 * schedule is disabled.
 *
 * @example
 * nextScheduledRun({ enabled: true, day: 'saturday', time: '02:00', lines: 'all' }, new Date('2026-03-02T12:00:00Z'))
 * // 2026-03-07T02:00:00.000Z
 */
export function nextScheduledRun(schedule: Schedule, after: Date): Date | undefined {
  if (!schedule.enabled) return undefined;
  return new Date(latestSlot(schedule, after).getTime() + WEEK_MS);
}

/**
 * The slot that should run now: the newest slot at or before `now`, when it
 * is later than `lastRun`. A service that was down over a slot runs it once
 * when it comes back (only the newest missed slot, never a backlog); one that
 * has never run (`lastRun` null) waits for the next slot rather than building
 * everything the moment it is installed.
 *
 * @example
 * dueScheduledRun(schedule, new Date('2026-03-07T02:00:30Z'), new Date('2026-02-28T02:00:00Z'))
 * // 2026-03-07T02:00:00.000Z: due
 * dueScheduledRun(schedule, new Date('2026-03-07T02:05:00Z'), new Date('2026-03-07T02:00:00Z'))
 * // undefined: already ran
 */
export function dueScheduledRun(schedule: Schedule, now: Date, lastRun: Date | null): Date | undefined {
  if (!schedule.enabled || lastRun === null) return undefined;
  const slot = latestSlot(schedule, now);
  return slot.getTime() > lastRun.getTime() ? slot : undefined;
}
