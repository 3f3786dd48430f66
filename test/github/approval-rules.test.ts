import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { WrittenRecord } from '../../src/evidence/write-record.js';
import { GitHubStore } from '../../src/bot/github/github-store.js';
import { OWNER, REPO, startGitHubHarness, type GitHubHarness } from './helpers/github-harness.js';
import { reviewApproved } from './helpers/webhooks.js';

let h: GitHubHarness;

beforeAll(async () => {
  h = await startGitHubHarness({
    githubYaml: ['approvals_required: 1', 'approver_teams: [image-approvers]', 'approve_on_review: true'],
  });
  h.github.setPermission('alice', 'write');
  h.github.setPermission('bob', 'maintain');
  h.github.setPermission('carol', 'read');
  h.github.setPermission('dave', 'triage');
  h.github.addTeamMember('acme', 'image-approvers', 'dave');
});
afterAll(async () => h?.close());

async function openFor(line: string, requester = 'alice'): Promise<{ number: number; build: WrittenRecord; branch: string }> {
  const build = await h.sealBuild(line, { source: 'github', user: requester });
  const opened = await h.app.openPromotionPullRequest({ record: build.record, jobId: null });
  return { number: opened.pullRequest.number, build, branch: opened.pullRequest.branch };
}

/** Asserts a refusal: thumbs-down, the reason as a reply, nothing promoted or merged. */
function expectRefused(number: number, commentId: number | undefined, reason: RegExp): void {
  if (commentId !== undefined) expect(h.github.reactionsOn(commentId)).toEqual(['eyes', '-1']);
  const reply = h.github.repliesOn(number).at(-1) ?? '';
  expect(reply).toMatch(/^\*\*Refused\*\*/);
  expect(reply).toMatch(reason);
  expect(h.github.pulls.get(number)?.merged).toBe(false);
}

describe('who may approve', () => {
  test('the build requester is refused, even with write access (four eyes)', async () => {
    const { number } = await openFor('sim-a');
    const delivered = await h.comment(number, h.github.account('alice'), '/promote');
    expect(delivered.status).toBe(200);
    expectRefused(number, delivered.commentId, /requested by alice \(github\); four eyes: a second person must approve it/);
    expect(h.promotionsOf('sim-a')).toEqual([]);
    expect(await h.templates()).toEqual(['tpl-sim-a-build']);
  });

  test('a read-only collaborator is refused, naming the access needed', async () => {
    const number = h.github.pulls.size;
    const delivered = await h.comment(number, h.github.account('carol'), '/promote');
    expectRefused(number, delivered.commentId, /@carol has read access to acme\/images; to promote you need write, maintain or admin on the repository or membership of `acme\/image-approvers`/);
    expect(h.github.callsMatching('GET', /\/collaborators\/carol\/permission$/)).toHaveLength(1);
  });

  test('someone without any access is refused too', async () => {
    const number = h.github.pulls.size;
    const delivered = await h.comment(number, h.github.account('mallory'), '/reject');
    expectRefused(number, delivered.commentId, /@mallory has no access to acme\/images; to reject you need write, maintain or admin/);
    expect(h.github.pulls.get(number)?.state).toBe('open');
  });

  test('a bot is ignored: no reaction, no reply, no call to GitHub at all', async () => {
    const number = h.github.pulls.size;
    const calls = h.github.calls.length;
    const replies = h.github.repliesOn(number).length;
    const delivered = await h.comment(number, h.github.account('renovate[bot]', 'Bot'), '/promote');
    expect(delivered.status).toBe(200);
    expect(h.github.calls.length).toBe(calls);
    expect(h.github.reactionsOn(delivered.commentId)).toEqual([]);
    expect(h.github.repliesOn(number)).toHaveLength(replies);
  });

  test("goldsmith's own replies are never read as commands", async () => {
    const number = h.github.pulls.size;
    const calls = h.github.calls.length;
    await h.comment(number, h.github.bot, '/promote');
    expect(h.github.calls.length).toBe(calls);
  });

  test('a member of an approver team promotes without write access', async () => {
    const number = h.github.pulls.size;
    const delivered = await h.comment(number, h.github.account('dave'), '/promote');
    expect(h.github.reactionsOn(delivered.commentId)).toEqual(['eyes', 'rocket']);
    expect(h.github.callsMatching('GET', /\/orgs\/acme\/teams\/image-approvers\/memberships\/dave$/)).toHaveLength(1);
    expect(h.github.pulls.get(number)?.merged).toBe(true);
    expect(h.promotionsOf('sim-a')).toHaveLength(1);
    expect(await h.templates()).toEqual(['tpl-sim-a']);
  });

  test('an approving review counts as /promote when the config says so', async () => {
    const { number } = await openFor('sim-b');
    const delivered = await h.deliver('pull_request_review', reviewApproved(h.github, number, h.github.account('bob')));
    expect(delivered.status).toBe(200);
    expect(h.github.repliesOn(number).at(-1)).toMatch(/^\*\*Promoted\*\* `sim-b`[\s\S]*approved by @bob \(review\)/);
    expect(h.github.pulls.get(number)?.merged).toBe(true);
  });
});

describe('the approval is bound to the record digest', () => {
  test('an edited record in the pull request is refused, naming the file', async () => {
    const { number, build, branch } = await openFor('sim-c');
    const path = `records/${build.record}/run.json`;
    const original = h.github.files(branch).get(path)!.content.toString();
    h.github.pushCommit(branch, 'mallory', { [path]: original.replace('"user": "alice"', '"user": "mallory"') }, 'fix requester');
    const before = h.promotionsOf('sim-c').length;

    const delivered = await h.comment(number, h.github.account('bob'), '/promote');
    expectRefused(number, delivered.commentId, new RegExp(`\`${path.replace(/[.]/g, '\\.')}\` was edited: it hashes to [0-9a-f]{16}…, not the [0-9a-f]{16}… its SHA256SUMS lists; the approval binds SHA256SUMS SHA-256 ${build.sumsSha256.slice(0, 16)}…, so nothing was promoted`));
    expect(h.promotionsOf('sim-c')).toHaveLength(before);
  });

  test('a re-hashed record (SHA256SUMS edited too) is refused: SHA256SUMS no longer hashes to the digest', async () => {
    const { number, build, branch } = await openFor('sim-d');
    const folder = `records/${build.record}`;
    const files = h.github.files(branch);
    const log = 'rewritten\n';
    const sums = files
      .get(`${folder}/SHA256SUMS`)!
      .content.toString()
      .replace(/^[0-9a-f]{64}(  packer\.log)$/m, `${createHash('sha256').update(log).digest('hex')}$1`);
    h.github.pushCommit(branch, 'mallory', { [`${folder}/packer.log`]: log, [`${folder}/SHA256SUMS`]: sums }, 'rehash');

    const delivered = await h.comment(number, h.github.account('bob'), '/promote');
    expectRefused(number, delivered.commentId, new RegExp(`\`${folder}/SHA256SUMS\` was edited: it now hashes to`));
  });

  test('a pull request body whose digest was changed is refused', async () => {
    const { number } = await openFor('sim-e');
    const pr = h.github.pulls.get(number)!;
    pr.body = pr.body!.replace(/sha256=[0-9a-f]{64}/, `sha256=${'0'.repeat(64)}`);
    const delivered = await h.comment(number, h.github.account('bob'), '/promote');
    expectRefused(number, delivered.commentId, /body no longer binds `builds\/sim-e\/\d{8}T\d{6}Z` with SHA256SUMS SHA-256 [0-9a-f]{16}… \(it was edited\)/);
  });
});

describe('the evidence check gates promotion', () => {
  test('a pull request whose other records no longer audit clean is refused, even with its build record intact', async () => {
    const { number, branch } = await openFor('sim-h');
    const init = [...h.github.files(branch).keys()].find((path) => /^records\/init\/[^/]+\/README\.md$/.test(path))!;
    h.github.pushCommit(branch, 'mallory', { [init]: '# Nothing to see\n' }, 'shorter README');

    const delivered = await h.comment(number, h.github.account('bob'), '/promote');
    expectRefused(number, delivered.commentId, /the goldsmith\/evidence check on [0-9a-f]{12} did not pass \(audited \d+ records .*: \d+ findings? in 1 record\); fix the records first/);
    expect(h.promotionsOf('sim-h')).toEqual([]);
    expect(await h.templates()).toContain('tpl-sim-h-build');
  });

  test("another app's passing check of the same name does not count", async () => {
    const { number, branch } = await openFor('sim-g');
    const init = [...h.github.files(branch).keys()].find((path) => /^records\/init\/[^/]+\/README\.md$/.test(path))!;
    const head = h.github.pushCommit(branch, 'mallory', { [init]: '# Nothing to see\n' }, 'shorter README');
    h.github.addForeignCheckRun(head, 'goldsmith/evidence', 'success');

    const delivered = await h.comment(number, h.github.account('bob'), '/promote');
    expectRefused(number, delivered.commentId, /the goldsmith\/evidence check on [0-9a-f]{12} did not pass/);
    expect(h.promotionsOf('sim-g')).toEqual([]);
  });

  test('a push landing while the approval is checked stops the promotion', async () => {
    const { number, build, branch } = await openFor('sim-d');
    // Right after goldsmith asks for the head's evidence check, someone pushes.
    h.github.once('GET', /\/commits\/[0-9a-f]{40}\/check-runs$/, () => {
      h.github.pushCommit(branch, 'mallory', { 'notes.txt': 'unrelated\n' }, 'late push');
    });
    const delivered = await h.comment(number, h.github.account('bob'), '/promote');
    expectRefused(number, delivered.commentId, /the branch moved to [0-9a-f]{12} while the approval was checked; nothing was promoted/);
    expect(h.promotionsOf('sim-d')).toEqual([]);
    expect(await h.templates()).toContain('tpl-sim-d-build');
    expect(build.record).toMatch(/^builds\/sim-d\//);
  });
});

describe('/reject and the comment grammar', () => {
  test('/reject closes the pull request and marks the build rejected; a later /promote is refused', async () => {
    const { number, build } = await openFor('sim-f');
    const delivered = await h.comment(number, h.github.account('bob'), '/reject\nThe ISO checksum is the old one.');
    expect(h.github.reactionsOn(delivered.commentId)).toEqual(['eyes', '+1']);
    expect(h.github.repliesOn(number).at(-1)).toContain(`**Rejected** by @bob: build record \`records/${build.record}\` will not be promoted`);
    expect(h.github.pulls.get(number)).toMatchObject({ state: 'closed', merged: false });
    const jobId = Number(JSON.parse(readFileSync(join(build.path, 'run.json'), 'utf8')).job_id);
    expect(h.jobs.events(jobId).map((event) => `${event.kind}: ${event.detail}`)).toContainEqual(expect.stringMatching(/^rejected: .*rejected by github:bob$/));

    const again = await h.comment(number, h.github.account('dave'), '/promote');
    expectRefused(number, again.commentId, /already rejected by bob/);
  });

  test('only the first word counts: a comment that merely mentions /promote is ignored', async () => {
    const { number } = await openFor('sim-g');
    const calls = h.github.calls.length;
    const delivered = await h.comment(number, h.github.account('bob'), 'Please /promote this after lunch');
    expect(h.github.calls.length).toBe(calls);
    expect(h.github.reactionsOn(delivered.commentId)).toEqual([]);
  });

  test('two commands in one comment, or words after /promote, are refused with the usage', async () => {
    const number = h.github.pulls.size;
    const two = await h.comment(number, h.github.account('bob'), '/promote\n/reject');
    expectRefused(number, two.commentId, /one command per comment/);
    const words = await h.comment(number, h.github.account('bob'), '/promote now please');
    expectRefused(number, words.commentId, /\/promote takes nothing after it on its line: write "\/promote" alone on the first line/);
  });

  test('/rollback names a matrix line: an unknown one is refused with the closest names', async () => {
    const number = h.github.pulls.size;
    const delivered = await h.comment(number, h.github.account('bob'), '/rollback sim-aa');
    expectRefused(number, delivered.commentId, /unknown line "sim-aa"; did you mean "sim-a"/);
  });

  test('/rollback of a line with no previous template is refused by the promotion, which changes nothing', async () => {
    const number = h.github.pulls.size;
    const delivered = await h.comment(number, h.github.account('bob'), '/rollback line-h');
    expectRefused(number, delivered.commentId, /^\*\*Refused\*\* \(rollback, @bob\): sim-h has no tpl-sim-h-prev in \/DC0\/vm\/Templates to roll back to .*nothing was changed/);
    expect(h.promotionsOf('sim-h')).toEqual([]);
  });
});

describe('a command shown in code or quoted is not given', () => {
  let number: number;
  let digest: string;
  beforeAll(async () => {
    const opened = await openFor('sim-e');
    number = opened.number;
    digest = opened.build.sumsSha256;
  });

  test.each([
    ['indented by 4 spaces (a code block)', '    /promote'],
    ['indented by a tab (a code block)', '\t/promote\nLooks good.'],
    ['fenced', '```\n/promote\n```\nThis is how you approve.'],
    ['fenced with tildes', '~~~\n/promote\n~~~'],
    ['quoted', '> /promote\n\nDid someone say this?'],
  ])('a /promote %s is shown, not given: no approval, no reaction, no reply, no call to GitHub', async (_kind, body) => {
    const calls = h.github.calls.length;
    const comments = h.github.comments.filter((comment) => comment.viaApp).length;
    // bob may promote: the same text unindented would promote and merge at once (approvals_required: 1).
    const delivered = await h.comment(number, h.github.account('bob'), body);
    expect(delivered.status).toBe(200);
    expect(h.github.calls.length).toBe(calls);
    expect(h.github.reactionsOn(delivered.commentId)).toEqual([]);
    expect(h.github.comments.filter((comment) => comment.viaApp)).toHaveLength(comments);
    expect(h.github.pulls.get(number)).toMatchObject({ state: 'open', merged: false });
    const store = GitHubStore.open(join(h.env.config.state_dir, 'jobs.sqlite'));
    try {
      expect(store.approvers(`${OWNER}/${REPO}`, number, digest)).toEqual([]);
    } finally {
      store.close();
    }
  });

  test('the same comment as plain text is read: a read-only commenter gets the refusal (the ignored cases above are not ignored by accident)', async () => {
    const delivered = await h.comment(number, h.github.account('carol'), '   /promote');
    expectRefused(number, delivered.commentId, /@carol has read access/);
  });
});
