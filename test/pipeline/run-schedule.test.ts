import { afterEach, describe, expect, it } from 'vitest';
import { BuildQueue } from '../../src/pipeline/build-queue.js';
import { jobStorePathOf, openJobStore } from '../../src/pipeline/open-job-store.js';
import { startSchedule } from '../../src/pipeline/run-schedule.js';
import { ScheduleStore } from '../../src/pipeline/schedule-store.js';
import type { Schedule } from '../../src/pipeline/next-scheduled-run.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';
import { TEST_SETTINGS } from '../helpers/test-settings.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setUp(schedule: Schedule, installedAt: Date) {
  const env = makePipelineEnv();
  const store = openJobStore(env.config);
  // Not started: requests only queue, nothing runs.
  const queue = new BuildQueue({ store, config: env.config, matrix: env.matrix, signer: env.signer, settings: TEST_SETTINGS });
  const open = () => ScheduleStore.open(jobStorePathOf(env.config), installedAt);
  const first = open();
  cleanups.push(() => {
    first.close();
    store.close();
  });
  const run = (scheduleStore: ScheduleStore, now: Date) =>
    startSchedule({ schedule, store: scheduleStore, request: (selector, requester) => queue.request(selector, requester), now: () => now, intervalMs: 3_600_000 });
  return { env, store, first, open, run };
}

describe('the weekly schedule', () => {
  const schedule: Schedule = { enabled: true, day: 'saturday', time: '02:00', lines: ['test-ok', 'test-fail'] };

  it('queues the configured lines once per slot, as the schedule, and not again after a restart', () => {
    const { store, first, open, run } = setUp(schedule, new Date('2026-03-02T12:00:00Z'));
    const before = run(first, new Date('2026-03-07T01:59:00Z'));
    expect(before.check()).toBeUndefined();
    before.stop();

    const due = run(first, new Date('2026-03-07T02:00:10Z'));
    const results = due.check()!;
    due.stop();
    expect(results.map((result) => result.ok && result.job.line)).toEqual(['test-ok', 'test-fail']);
    expect(store.list().map((job) => job.requester)).toEqual([
      { source: 'schedule', user: 'weekly-schedule' },
      { source: 'schedule', user: 'weekly-schedule' },
    ]);
    expect(due.next()).toEqual(new Date('2026-03-14T02:00:00Z'));

    // A restart a minute later (or a second serve process) finds the slot already run.
    const restarted = open();
    const again = run(restarted, new Date('2026-03-07T02:01:10Z'));
    expect(again.check()).toBeUndefined();
    again.stop();
    restarted.close();
    expect(store.list()).toHaveLength(2);
  });

  it('runs "all" as every enabled line, and a missed slot once after being down', () => {
    const { store, first, run } = setUp({ ...schedule, lines: 'all' }, new Date('2026-02-20T12:00:00Z'));
    const late = run(first, new Date('2026-03-18T09:00:00Z'));
    expect(late.check()?.length).toBe(3);
    expect(late.check()).toBeUndefined();
    late.stop();
    expect(store.list().map((job) => job.line).sort()).toEqual(['test-fail', 'test-ok', 'test-ok-2']);
  });
});
