import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobStore } from '../../src/pipeline/job-store.js';
import { makeTempDir } from '../helpers/write-chain.js';

const alice = { source: 'slack' as const, user: 'U_ALICE' };

describe('JobStore', () => {
  it('keeps jobs in a real SQLite file across reopenings, applying migrations once', () => {
    const path = join(makeTempDir(), 'state', 'jobs.sqlite');
    const first = JobStore.open(path);
    const result = first.request('ubuntu-24.04', alice);
    first.close();
    const second = JobStore.open(path);
    expect(result.ok && second.get(result.job.id)?.state).toBe('queued');
    expect(second.events(1).map((event) => event.kind)).toEqual(['queued']);
    second.close();
  });

  it('cancels a queued job at once and refuses to cancel a finished one', () => {
    const store = JobStore.open(join(makeTempDir(), 'jobs.sqlite'));
    store.request('debian-12', alice);
    expect(store.cancel(1, alice)).toMatchObject({ ok: true, job: { state: 'cancelled' } });
    expect(store.cancel(1, alice)).toEqual({ ok: false, message: 'job 1 has already cancelled' });
    expect(store.cancel(99, alice)).toEqual({ ok: false, message: 'there is no job 99; "goldsmith jobs" lists them' });
  });

  it('marks jobs of a dead process as interrupted and leaves live ones running', () => {
    const store = JobStore.open(join(makeTempDir(), 'jobs.sqlite'));
    store.request('a-line', alice);
    store.request('b-line', alice);
    store.claimNext(2, { pid: 2 ** 22 + 7, host: 'here' });
    store.claimNext(2, { pid: process.pid, host: 'here' });
    const interrupted = store.markInterrupted('here');
    expect(interrupted.map((job) => job.id)).toEqual([1]);
    expect(store.get(1)?.reason).toMatch(/^goldsmith process 4194311 stopped while the job was running; no record was sealed/);
    expect(store.get(2)?.state).toBe('running');
    expect(store.countByState()).toMatchObject({ running: 1, interrupted: 1 });
  });
});
