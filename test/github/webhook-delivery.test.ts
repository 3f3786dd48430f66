import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGitHubHarness, VSPHERE_PASSWORD, type GitHubHarness } from './helpers/github-harness.js';
import { commentCreated, deliverWebhook, pullRequestSynchronized, reviewApproved, signBody } from './helpers/webhooks.js';

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

describe('malformed payloads', () => {
  /** What an answer must never carry: an exception's name or text, a stack frame, a source path. */
  const INTERNALS = /TypeError|ZodError|Cannot read|undefined is not|at [\w.<>]+ \(|node_modules|src\/bot|\.ts:\d/;
  const without = (payload: Record<string, any>, path: string): Record<string, any> => {
    const copy = structuredClone(payload);
    const keys = path.split('.');
    const last = keys.pop()!;
    delete keys.reduce((node, key) => node[key], copy)[last];
    return copy;
  };

  test.each([
    ['comment.body', 'sim-d'],
    ['issue.number', 'sim-e'],
    ['repository.owner.login', 'sim-f'],
    ['installation', 'sim-g'],
  ])('a signed issue_comment without %s gets 400 naming it, and nothing is done', async (field, line) => {
    const number = await openFor(line);
    const comment = h.github.addComment(number, 'bob', '/promote');
    const payload = commentCreated(h.github, comment);
    const calls = h.github.calls.length;

    const delivered = await h.deliver('issue_comment', without(payload, field), { id: `delivery-without-${field}` });
    expect(delivered.status).toBe(400);
    expect(delivered.text).toBe(`payload is not a valid issue_comment.created event: missing ${field}; nothing was done\n`);
    expect(delivered.text).not.toMatch(INTERNALS);
    expect(h.github.calls.length).toBe(calls);
    expect(h.github.reactionsOn(comment.id)).toEqual([]);
    expect(h.github.repliesOn(number)).toEqual([]);
    expect(h.github.pulls.get(number)?.merged).toBe(false);
    expect(h.logs()).toContain('malformed webhook payload refused');

    // Its delivery id was not taken: GitHub's redelivery of the complete payload is handled.
    const complete = await h.deliver('issue_comment', payload, { id: `delivery-without-${field}` });
    expect(complete.status).toBe(200);
    expect(h.github.reactionsOn(comment.id)).toEqual(['eyes', 'rocket']);
  });

  test('wrong types are named too, without echoing the values sent', async () => {
    const comment = h.github.addComment(1, 'bob', '/promote');
    const payload = commentCreated(h.github, comment);
    payload.issue.number = 'one-secret-value';
    payload.comment.user = 42;
    const delivered = await h.deliver('issue_comment', payload);
    expect(delivered.status).toBe(400);
    expect(delivered.text).toMatch(/^payload is not a valid issue_comment\.created event: issue\.number: .*expected number.*, comment\.user: .*; nothing was done\n$/);
    expect(delivered.text).not.toContain('one-secret-value');
    expect(h.github.reactionsOn(comment.id)).toEqual([]);
  });

  test('a signed pull_request.synchronize without pull_request, or a review without review, gets 400', async () => {
    const calls = h.github.calls.length;
    const push = without(pullRequestSynchronized(h.github, 1, h.github.headOf('main')!, h.github.account('mallory')), 'pull_request');
    const pushed = await h.deliver('pull_request', push);
    expect(pushed.status).toBe(400);
    expect(pushed.text).toBe('payload is not a valid pull_request.synchronize event: missing pull_request; nothing was done\n');
    const review = without(reviewApproved(h.github, 1, h.github.account('bob')), 'review');
    const reviewed = await h.deliver('pull_request_review', review);
    expect(reviewed.status).toBe(400);
    expect(reviewed.text).toBe('payload is not a valid pull_request_review.submitted event: missing review; nothing was done\n');
    const badSha = pullRequestSynchronized(h.github, 1, 'HEAD~1', h.github.account('mallory'));
    const shaAnswer = await h.deliver('pull_request', badSha);
    expect(shaAnswer.status).toBe(400);
    expect(shaAnswer.text).toMatch(/pull_request\.head\.sha: expected a 40 or 64 digit hex commit SHA/);
    expect(h.github.calls.length).toBe(calls);
    expect(h.github.checkRuns.filter((run) => run.headSha === h.github.headOf('main'))).toEqual([]);
  });

  test.each([['null'], ['42'], ['"text"'], ['[]'], ['{"action": "created", "issue": '], ['{"action": "created"}']])('a signed body %s gets 400 naming what is wrong', async (body) => {
    const response = await fetch(h.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': `delivery-${body.length}-${Date.now()}`, 'x-hub-signature-256': signBody(h.secret, body) },
      body,
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).toMatch(/^payload is not (JSON|a JSON object|a valid issue_comment\.created event: missing issue, missing comment, missing repository \(and 2 more\)); nothing was done\n$/);
    expect(text).not.toMatch(INTERNALS);
  });

  test('a trailing slash, which Probot serves as the same path, is screened the same', async () => {
    const delivered = await deliverWebhook(`${h.webhookUrl}//`, 'issue_comment', { action: 'created' }, { secret: h.secret });
    expect(delivered.status).toBe(400);
    expect(delivered.text).toMatch(/^payload is not a valid issue_comment\.created event: /);
  });

  test('a body larger than GitHub ever sends (25 MiB) gets 413 without being read to the end', async () => {
    const delivered = await h.deliver('issue_comment', { action: 'created', padding: 'x'.repeat(26 * 1024 * 1024) });
    expect(delivered.status).toBe(413);
    expect(delivered.text).toBe('the request body is larger than 26214400 bytes; GitHub never sends more\n');
    expect((await h.deliver('ping', { zen: 'Keep it logically awesome.' })).status).toBe(200);
  });

  test('an unsigned malformed payload learns nothing about its payload: the signature is refused first', async () => {
    const delivered = await h.deliver('issue_comment', { action: 'created' }, { signature: null });
    expect(delivered.status).toBe(400);
    expect(delivered.text).not.toContain('payload is not');
    const forged = await h.deliver('issue_comment', { action: 'created' }, { signature: signBody('not-the-secret', '{"action":"created"}') });
    expect(forged.status).toBe(400);
    expect(forged.text).not.toContain('payload is not');
  });

  test('events goldsmith does not handle are acknowledged as before, whatever their payload holds', async () => {
    const calls = h.github.calls.length;
    expect((await h.deliver('star', { action: 'created', starred_at: null })).status).toBe(200);
    expect((await h.deliver('ping', { zen: 'Design for failure.', hook_id: 1 })).status).toBe(200);
    expect((await h.deliver('issue_comment', { action: 'deleted' })).status).toBe(200);
    expect(h.github.calls.length).toBe(calls);
  });

  test('a handler that fails answers 500 with a generic text; the reason goes to the log only', async () => {
    const number = await openFor('sim-h');
    // A well-formed push naming a commit GitHub does not have: creating the evidence check gets 422.
    const missing = 'f'.repeat(40);
    const delivered = await h.deliver('pull_request', pullRequestSynchronized(h.github, number, missing, h.github.account('mallory')));
    expect(delivered.status).toBe(500);
    expect(delivered.text).toContain(`goldsmith could not handle delivery ${delivered.id}; its log has the reason`);
    expect(delivered.text).not.toMatch(/No commit found|HttpError|docs\.github\.com/);
    expect(delivered.text).not.toMatch(INTERNALS);
    const logged = h.logs().split('\n').find((line) => line.includes(`"delivery":"${delivered.id}"`) && line.includes('"msg":"webhook handler failed"'));
    expect(logged).toContain('No commit found for SHA');
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
