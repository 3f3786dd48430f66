import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SeenSlackRequests } from '../../src/bot/slack/seen-slack-requests.js';
import { makeTempDir } from '../helpers/write-chain.js';

const KEEP = 600;
const SIGNATURE = 'a'.repeat(64);

function open(path: string): SeenSlackRequests {
  const seen = SeenSlackRequests.open(path, { keepSeconds: KEEP });
  onTestFinished(() => seen.close());
  return seen;
}

describe('SeenSlackRequests', () => {
  it('lets only the first of two connections to the same file record a signature, and names when it came', () => {
    const path = join(makeTempDir('goldsmith-seen-'), 'jobs.sqlite');
    const [one, two] = [open(path), open(path)];
    const now = new Date();
    const signedAt = Math.floor(now.getTime() / 1000);
    expect(one.remember(SIGNATURE, signedAt, now)).toEqual({ first: true });
    expect(two.remember(SIGNATURE, signedAt, new Date(now.getTime() + 1000))).toEqual({ first: false, receivedAt: now.toISOString() });
    expect(one.remember(SIGNATURE, signedAt, now)).toEqual({ first: false, receivedAt: now.toISOString() });
    expect(two.remember('b'.repeat(64), signedAt, now)).toEqual({ first: true });
  });

  it('keeps a signature across a reopen until its timestamp is older than keepSeconds', () => {
    const path = join(makeTempDir('goldsmith-seen-'), 'jobs.sqlite');
    const start = new Date(Math.floor(Date.now() / 1000) * 1000);
    const signedAt = start.getTime() / 1000;
    open(path).remember(SIGNATURE, signedAt, start);

    const reopened = open(path);
    expect(reopened.prune(new Date(start.getTime() + KEEP * 1000))).toBe(0);
    expect(reopened.remember(SIGNATURE, signedAt, start).first).toBe(false);
    expect(reopened.prune(new Date(start.getTime() + (KEEP + 1) * 1000))).toBe(1);
    expect(reopened.remember(SIGNATURE, signedAt, start).first).toBe(true);
  });
});
