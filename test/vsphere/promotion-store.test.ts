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
  folder: '/DC0/vm/Templates',
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
    expect(journal.begin(request('a')).ok).toBe(true);
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

  it('keeps builds and promotions of one line apart: a rebuild of -build and a promotion never overlap', () => {
    const journal = PromotionStore.open(join(makeTempDir(), 'jobs.sqlite'));
    expect(journal.markBuilding('a', 7)).toEqual({ ok: true });
    const refused = journal.begin(request('a'));
    expect(!refused.ok && refused.message).toContain('a is busy: build job 7 started replacing tpl-a-build');
    journal.markBuilt('a', 7, 'builds/a/20261124T090000Z', 'VirtualMachine:vm-9');
    const begun = journal.begin(request('a'));
    expect(begun.ok).toBe(true);
    const blocked = journal.markBuilding('a', 8);
    expect(blocked.ok).toBe(false);
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
