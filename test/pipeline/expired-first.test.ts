import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeRecord } from '../../src/evidence/write-record.js';
import { BuildQueue } from '../../src/pipeline/build-queue.js';
import { jobStorePathOf, openJobStore } from '../../src/pipeline/open-job-store.js';
import { expiredFirst } from '../../src/pipeline/revocations/expired-first.js';
import { readLineHealth } from '../../src/evidence/read-line-health.js';
import { startSchedule } from '../../src/pipeline/run-schedule.js';
import { ScheduleStore } from '../../src/pipeline/schedule-store.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';
import { TEST_SETTINGS } from '../helpers/test-settings.js';
import { buildDetails, promotionDetails } from '../helpers/write-chain.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('schedule.expired_first', () => {
  it('queues the line whose live template is older than its max_age_days first, with real records and the real queue', async () => {
    const env = makePipelineEnv();
    const log = join(env.dir, 'x.log');
    writeFileSync(log, 'built\n');
    // test-fail's live template was built on 2026-02-01 (33 whole days before the slot); test-ok was never promoted.
    const build = await writeRecord({ root: env.config.records, signer: env.signer, content: { kind: 'build', log, details: buildDetails('test-fail', { finished_at: '2026-02-01T02:40:00Z' }) } });
    await writeRecord({ root: env.config.records, signer: env.signer, content: { kind: 'promotion', log, details: promotionDetails('test-fail', build) } });
    const matrix = env.matrix.map((entry) => (entry.key === 'test-fail' ? { ...entry, max_age_days: 30 } : entry));
    const now = new Date('2026-03-07T02:00:10Z');
    const health = matrix.map((entry) => readLineHealth(env.config.records, entry, now));
    expect(health.find((line) => line.line === 'test-fail')).toMatchObject({ ageDays: 33, maxAgeDays: 30, expired: true });

    const store = openJobStore(env.config);
    const queue = new BuildQueue({ store, config: env.config, matrix: env.matrix, signer: env.signer, settings: TEST_SETTINGS });
    const scheduleStore = ScheduleStore.open(jobStorePathOf(env.config), new Date('2026-03-02T12:00:00Z'));
    cleanups.push(() => {
      scheduleStore.close();
      store.close();
    });
    const runner = startSchedule({
      schedule: { enabled: true, day: 'saturday', time: '02:00', lines: ['test-ok', 'test-fail'], expired_first: true },
      store: scheduleStore,
      request: (selector, requester) => queue.request(selector, requester),
      order: (selectors) => expiredFirst(selectors, matrix, health),
      now: () => now,
      intervalMs: 3_600_000,
    });
    const results = runner.check()!;
    runner.stop();
    expect(results.map((result) => result.ok && result.job.line)).toEqual(['test-fail', 'test-ok']);
    expect(store.list({ limit: 10 }).map((job) => job.line).reverse()).toEqual(['test-fail', 'test-ok']);
  });

  it('spells out "all" as the enabled lines, expired ones first (oldest first), and adds no line outside the selection', () => {
    const env = makePipelineEnv();
    const enabled = env.matrix.filter((entry) => entry.enabled).map((entry) => entry.key);
    const [a, b] = enabled;
    const health = [
      { line: a!, live: undefined, revoked: undefined, ageDays: 40, maxAgeDays: 30, expired: true },
      { line: b!, live: undefined, revoked: undefined, ageDays: 90, maxAgeDays: 30, expired: true },
    ];
    expect(expiredFirst(['all'], env.matrix, health)).toEqual([b, a, ...enabled.filter((key) => key !== a && key !== b)]);
    expect(expiredFirst([a!], env.matrix, health)).toEqual([a]);
  });
});
