import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { ScheduleStore } from '../../src/pipeline/schedule-store.js';
import { startWeeklyTask } from '../../src/pipeline/start-weekly-task.js';
import { makeTempDir } from '../helpers/write-chain.js';

describe('the ISO check schedule of goldsmith serve', () => {
  it('defaults to Monday 06:00 UTC, every discoverable line', () => {
    expect(configSchema.parse({}).media.check_schedule).toEqual({ enabled: true, day: 'monday', time: '06:00', lines: 'all' });
    expect(configSchema.safeParse({ media: { check_schedule: { time: '6am' } } }).error?.issues[0]?.message).toBe('use HH:MM, 24-hour, UTC (for example "06:00")');
  });

  it('runs the due Monday slot once, claimed in the job store apart from the build schedule, and never again after a restart', async () => {
    const db = join(makeTempDir('goldsmith-iso-schedule-'), 'jobs.sqlite');
    const installed = new Date('2026-11-27T12:00:00Z'); // a Friday
    let now = installed;
    const slots: string[] = [];
    const open = () => ScheduleStore.open(db, installed, 'iso-check');
    const builds = ScheduleStore.open(db, installed);
    let store = open();
    const start = () => startWeeklyTask({ schedule: configSchema.parse({}).media.check_schedule, store, now: () => now, intervalMs: 3_600_000, run: async (slot) => void slots.push(slot.toISOString()) });
    let task = start();
    expect(task.next()?.toISOString()).toBe('2026-11-30T06:00:00.000Z');
    await task.check();
    expect(slots).toEqual([]);

    now = new Date('2026-11-30T06:00:20Z');
    await task.check();
    await task.check();
    expect(slots).toEqual(['2026-11-30T06:00:00.000Z']);
    await task.stop();
    store.close();

    // A restart in the same week: the slot is already claimed.
    store = open();
    task = start();
    now = new Date('2026-11-30T09:00:00Z');
    await task.check();
    expect(slots).toEqual(['2026-11-30T06:00:00.000Z']);
    // The build schedule's own slot is untouched by it.
    expect(builds.lastRun().toISOString()).toBe(installed.toISOString());
    await task.stop();
    store.close();
    builds.close();
  });

  it('a failing check is reported, and the next week runs again', async () => {
    const db = join(makeTempDir('goldsmith-iso-schedule-'), 'jobs.sqlite');
    let now = new Date('2026-11-29T00:00:00Z');
    const store = ScheduleStore.open(db, now, 'iso-check');
    const errors: string[] = [];
    let runs = 0;
    const task = startWeeklyTask({
      schedule: configSchema.parse({}).media.check_schedule,
      store,
      now: () => now,
      intervalMs: 3_600_000,
      onError: (error) => errors.push(error.message),
      run: async () => {
        runs++;
        throw new Error('the mirror is down');
      },
    });
    now = new Date('2026-11-30T06:01:00Z');
    await task.check();
    now = new Date('2026-12-07T06:01:00Z');
    await task.check();
    expect(runs).toBe(2);
    expect(errors).toEqual(['the mirror is down', 'the mirror is down']);
    await task.stop();
    store.close();
  });
});
