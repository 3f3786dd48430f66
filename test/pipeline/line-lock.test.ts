import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitHubStore } from '../../src/bot/github/github-store.js';
import { JobStore } from '../../src/pipeline/job-store.js';
import { PromotionStore, type NewPromotion } from '../../src/pipeline/promotion/promotion-store.js';
import { makeTempDir } from '../helpers/write-chain.js';

const promotion = (line: string, underLock?: string): NewPromotion => ({
  line,
  action: 'promote',
  baseName: `tpl-${line}`,
  platform: 'qemu',
  location: '/srv/images',
  requester: { source: 'slack', user: 'U1' },
  approvers: [{ source: 'github', user: 'bob' }],
  pullRequest: null,
  expectedSums: null,
  underLock,
});

function open() {
  const path = join(makeTempDir(), 'jobs.sqlite');
  // GitHub's store first: whichever store opens the file first, the lock's table is there.
  const github = GitHubStore.open(path);
  const jobs = JobStore.open(path);
  const journal = PromotionStore.open(path);
  return { github, jobs, journal, close: () => [github, jobs, journal].forEach((store) => store.close()) };
}

describe('one line lock for builds, promotions and approvals', () => {
  it('an approval holds the line against builds and other promotions; its own promotion runs under it and hands it back', () => {
    const { github, jobs, journal, close } = open();
    const approval = github.lockLine({ line: 'a', action: 'promote', login: 'bob', pullRequest: 42 });
    expect(approval.ok).toBe(true);
    const token = approval.ok ? approval.token : '';

    const build = jobs.request('a', { source: 'cli', user: 'alice' });
    expect(!build.ok && build.message).toMatch(
      new RegExp(`^a is busy: /promote on #42 was requested by github:bob and has held the line since \\d{4}-\\S+ \\(process ${process.pid} on ${hostname()}\\); to release it: it frees the line once the promote and its pull request are done`),
    );
    const cli = journal.begin({ ...promotion('a'), requester: { source: 'cli', user: 'carol' } });
    expect(!cli.ok && cli.message).toContain('a is busy: /promote on #42 was requested by github:bob');
    expect(github.lockLine({ line: 'a', action: 'rollback', login: 'erin', pullRequest: 43 })).toMatchObject({ ok: false, holder: { holder: 'github:bob', pullRequest: 42, kind: 'promote' } });

    const begun = journal.begin(promotion('a', token));
    expect(begun.ok).toBe(true);
    // While it runs, the line says who approved it and on which pull request.
    expect(journal.lineLock('a')).toMatchObject({ kind: 'promote', holder: 'github:bob', reason: 'promotion 1 (promote of a) approved on #42', pullRequest: 42 });
    journal.finish(1, 'succeeded', null);
    expect(journal.lineLock('a')?.token).toBe(token);
    expect(jobs.request('a', { source: 'cli', user: 'alice' }).ok).toBe(false);
    github.unlockLine('a', token);
    expect(journal.lineLock('a')).toBeUndefined();
    expect(jobs.request('a', { source: 'cli', user: 'alice' }).ok).toBe(true);
    close();
  });

  it('a promotion interrupted under an approval keeps the line after the approval lets go, and frees it when finished', () => {
    const { github, journal, jobs, close } = open();
    const approval = github.lockLine({ line: 'a', action: 'promote', login: 'bob', pullRequest: 42 });
    const token = approval.ok ? approval.token : '';
    expect(journal.begin(promotion('a', token)).ok).toBe(true);
    journal.interrupt(1, 'the store did not answer');
    github.unlockLine('a', token);
    expect(journal.lineLock('a')).toMatchObject({ kind: 'promote', token: 'promotion:1', ownerPid: null });
    expect(jobs.request('a', { source: 'cli', user: 'alice' }).ok).toBe(false);
    expect(journal.takeOver(1)).toBe(true);
    journal.finish(1, 'succeeded', null);
    expect(journal.lineLock('a')).toBeUndefined();
    close();
  });

  it('an approval whose process died frees the line; a queued build holds it until the job ends', () => {
    const { github, jobs, close } = open();
    const dead = { pid: 2 ** 22 + 4321, host: hostname() };
    expect(github.lockLine({ line: 'a', action: 'promote', login: 'bob', pullRequest: 42 }, dead).ok).toBe(true);
    const queued = jobs.request('a', { source: 'cli', user: 'alice' });
    expect(queued.ok).toBe(true);
    const refused = github.lockLine({ line: 'a', action: 'promote', login: 'bob', pullRequest: 42 });
    expect(refused).toMatchObject({ ok: false, holder: { kind: 'build', holder: 'cli:alice', reason: 'build job 1' } });
    expect(!refused.ok && refused.holder.release).toContain('goldsmith cancel 1');
    jobs.cancel(1, { source: 'cli', user: 'alice' });
    expect(github.lockLine({ line: 'a', action: 'promote', login: 'bob', pullRequest: 42 }).ok).toBe(true);
    close();
  });
});
