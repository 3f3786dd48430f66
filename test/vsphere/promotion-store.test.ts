import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PromotionStore, type NewPromotion } from '../../src/pipeline/promotion/promotion-store.js';
import { JobStore } from '../../src/pipeline/job-store.js';
import { makeTempDir } from '../helpers/write-chain.js';

const request = (line: string, user = 'alice'): NewPromotion => ({
  line,
  action: 'promote',
  baseName: `tpl-${line}`,
  platform: 'vsphere',
  location: '/DC0/vm/Templates',
  requester: { source: 'cli', user },
  approvers: [{ source: 'cli', user }],
  pullRequest: null,
  expectedSums: null,
});

describe('the promotion journal (SQLite, shared with the job store)', () => {
  it('lives beside the jobs in one file, each with its own named migrations', () => {
    const path = join(makeTempDir(), 'jobs.sqlite');
    const jobs = JobStore.open(path);
    const journal = PromotionStore.open(path);
    expect(jobs.request('a', { source: 'cli', user: 'alice' }).ok).toBe(true);
    expect(journal.begin(request('b')).ok).toBe(true);
    jobs.close();
    journal.close();
  });

  it('allows one open promotion per line, naming who holds it and since when; other lines are free', () => {
    const journal = PromotionStore.open(join(makeTempDir(), 'jobs.sqlite'));
    const first = journal.begin(request('a'));
    expect(first.ok).toBe(true);
    const second = journal.begin(request('a', 'bob'));
    expect(second.ok).toBe(false);
    expect(!second.ok && second.message).toMatch(/^a is busy: promotion 1 \(promote of a\) was requested by cli:alice and has held the line since \S+ \(process \d+ on /);
    expect(journal.begin(request('b')).ok).toBe(true);
    journal.close();
  });

  it('keeps builds and promotions of one line apart with the one line lock, naming who holds it, since when, why and how to release it', () => {
    const path = join(makeTempDir(), 'jobs.sqlite');
    const jobs = JobStore.open(path);
    const journal = PromotionStore.open(path);
    const queued = jobs.request('a', { source: 'slack', user: 'U1' });
    expect(queued.ok).toBe(true);
    const refused = journal.begin(request('a'));
    expect(!refused.ok && refused.message).toMatch(
      /^a is busy: build job 1 was requested by slack:U1 and has held the line since \d{4}-\S+; to release it: wait for job 1 to finish, or cancel it \(goldsmith cancel 1, or \/image cancel 1 in Slack\)/,
    );
    jobs.finish(1, { state: 'succeeded', reason: null, recordPath: 'builds/a/20261124T090000Z' });
    journal.markBuilt('a', 1, 'builds/a/20261124T090000Z', 'VirtualMachine:vm-9');
    const begun = journal.begin(request('a'));
    expect(begun.ok).toBe(true);
    const blocked = jobs.request('a', { source: 'cli', user: 'bob' });
    expect(blocked.ok).toBe(false);
    expect(!blocked.ok && blocked.holder).toBeUndefined();
    expect(!blocked.ok && blocked.message).toMatch(/^a is busy: promotion 1 \(promote of a\) was requested by cli:alice and has held the line since \S+ \(process \d+ on \S+\); to release it: it frees the line when it ends/);
    // An interrupted promotion keeps the line until it is finished.
    journal.interrupt(1, 'vCenter did not answer');
    expect(jobs.request('a', { source: 'cli', user: 'bob' }).ok).toBe(false);
    expect(journal.takeOver(1)).toBe(true);
    journal.finish(1, 'succeeded', null);
    expect(jobs.request('a', { source: 'cli', user: 'bob' }).ok).toBe(true);
    jobs.close();
    journal.close();
  });

  it('hands a promotion whose process died to exactly one taker', () => {
    const journal = PromotionStore.open(join(makeTempDir(), 'jobs.sqlite'));
    const begun = journal.begin(request('a'), { pid: 2 ** 22 + 12345, host: hostname() });
    expect(begun.ok).toBe(true);
    expect(journal.resumable().map((row) => row.id)).toEqual([1]);
    expect(journal.takeOver(1)).toBe(true);
    expect(journal.takeOver(1)).toBe(false);
    expect(journal.get(1)).toMatchObject({ state: 'running', ownerPid: process.pid });
    journal.interrupt(1, 'vCenter did not answer');
    expect(journal.resumable().map((row) => row.state)).toEqual(['interrupted']);
    journal.close();
  });
});
