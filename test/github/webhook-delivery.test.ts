import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGitHubHarness, VSPHERE_PASSWORD, type GitHubHarness } from './helpers/github-harness.js';
import { commentCreated, signBody } from './helpers/webhooks.js';

let h: GitHubHarness;
/** Holds a promotion at its start until released, so a second /promote arrives while the first runs. */
let gate: { started: () => void; release: Promise<void> } | undefined;

beforeAll(async () => {
  h = await startGitHubHarness({
    // Instrumentation around the real vSphere promotion: it waits at its start while a gate is set.
    wrapPromotion: (actions) => ({
      ...actions,
      async promote(input) {
        const current = gate;
        if (current) {
          current.started();
          await current.release;
        }
        return actions.promote(input);
      },
    }),
  });
  h.github.setPermission('bob', 'write');
  h.github.setPermission('erin', 'admin');
});
afterAll(async () => h?.close());

async function openFor(line: string): Promise<number> {
  const build = await h.sealBuild(line, { source: 'slack', user: 'U0ALICE' });
  return (await h.app.openPromotionPullRequest({ record: build.record })).pullRequest.number;
}

describe('webhook signatures', () => {
  test('a bad signature gets 400 and nothing happens, not even the delivery id is taken', async () => {
    const number = await openFor('sim-a');
    const comment = h.github.addComment(number, 'bob', '/promote');
    const payload = commentCreated(h.github, comment);
    const calls = h.github.calls.length;

    const forged = await h.deliver('issue_comment', payload, { id: 'delivery-forged', signature: signBody('not-the-secret', JSON.stringify(payload)) });
    expect(forged.status).toBe(400);
    const missing = await h.deliver('issue_comment', payload, { id: 'delivery-unsigned', signature: null });
    expect(missing.status).toBe(400);
    // A payload altered after signing is a bad signature too.
    const tampered = await h.deliver('issue_comment', { ...payload, sender: { ...payload.sender, login: 'erin' } }, { id: 'delivery-tampered', signature: signBody(h.secret, JSON.stringify(payload)) });
    expect(tampered.status).toBe(400);

    expect(h.github.calls.length).toBe(calls);
    expect(h.github.reactionsOn(comment.id)).toEqual([]);
    expect(h.promotionsOf('sim-a')).toEqual([]);

    // The same delivery id, correctly signed, is then handled: the forgery did not use it up.
    const genuine = await h.deliver('issue_comment', payload, { id: 'delivery-forged' });
    expect(genuine.status).toBe(200);
    expect(h.github.reactionsOn(comment.id)).toEqual(['eyes', 'rocket']);
    expect(h.promotionsOf('sim-a')).toHaveLength(1);
  });
});

describe('once per delivery', () => {
  test('a redelivered webhook (same X-GitHub-Delivery) acts once', async () => {
    const number = await openFor('sim-b');
    const comment = h.github.addComment(number, 'bob', '/reject');
    const payload = commentCreated(h.github, comment);

    const first = await h.deliver('issue_comment', payload, { id: 'delivery-42' });
    expect(first.status).toBe(200);
    const calls = h.github.calls.length;
    const second = await h.deliver('issue_comment', payload, { id: 'delivery-42' });
    expect(second.status).toBe(200);

    expect(h.github.calls.length).toBe(calls);
    expect(h.github.reactionsOn(comment.id)).toEqual(['eyes', '+1']);
    expect(h.github.repliesOn(number)).toHaveLength(1);
    expect(h.github.callsMatching('PATCH', new RegExp(`/pulls/${number}$`))).toHaveLength(1);
    expect(h.logs()).toContain('delivery already handled; ignored');
  });

  test('a redelivery after a restart is still recognised: the ids live in the SQLite file', async () => {
    const { GitHubStore } = await import('../../src/bot/github/github-store.js');
    const store = GitHubStore.open(join(h.env.config.state_dir, 'jobs.sqlite'));
    try {
      expect(store.claimDelivery('delivery-42', 'issue_comment')).toBe(false);
      expect(store.claimDelivery('delivery-43', 'issue_comment')).toBe(true);
    } finally {
      store.close();
    }
  });
});

describe('one promotion per line at a time', () => {
  test('two concurrent /promote give one promotion; the second gets a reply saying who holds the line', async () => {
    const number = await openFor('sim-c');
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    gate = { started, release: new Promise<void>((resolve) => (release = resolve)) };
    try {
      const first = h.comment(number, h.github.account('bob'), '/promote');
      await running;
      const second = await h.comment(number, h.github.account('erin'), '/promote');
      expect(second.status).toBe(200);
      expect(h.github.reactionsOn(second.commentId)).toEqual(['eyes', '-1']);
      expect(h.github.repliesOn(number).at(-1)).toMatch(/^\*\*Refused\*\* \(promote, @erin\): a promote of `sim-c` is already running: started by @bob on #\d+ at \d{4}-/);
      release();
      const done = await first;
      expect(h.github.reactionsOn(done.commentId)).toEqual(['eyes', 'rocket']);
    } finally {
      gate = undefined;
    }
    expect(h.promotionsOf('sim-c')).toHaveLength(1);
    expect(h.github.callsMatching('PUT', new RegExp(`/pulls/${number}/merge$`))).toHaveLength(1);
    expect(h.github.repliesOn(number).filter((reply) => reply.startsWith('**Promoted**'))).toHaveLength(1);

    // The line is free again afterwards.
    const next = await openFor('sim-c');
    await h.comment(next, h.github.account('erin'), '/promote');
    expect(h.promotionsOf('sim-c')).toHaveLength(2);
  });
});

describe('credentials', () => {
  test('never appear in a log line or a comment', () => {
    const keyBody = h.privateKeyPem.split('\n').filter((line) => line && !line.startsWith('-----'));
    const texts = [h.logs(), ...h.github.comments.map((comment) => comment.body), ...[...h.github.pulls.values()].map((pr) => pr.body ?? '')];
    expect(h.github.issuedTokens.length).toBeGreaterThan(0);
    expect(h.logs().length).toBeGreaterThan(1000);
    for (const text of texts) {
      expect(text).not.toContain(h.secret);
      expect(text).not.toContain(VSPHERE_PASSWORD);
      for (const token of h.github.issuedTokens) expect(text).not.toContain(token);
      for (const line of keyBody.slice(0, 3)) expect(text).not.toContain(line);
    }
  });
});
