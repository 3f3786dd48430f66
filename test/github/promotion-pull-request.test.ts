import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditRecords } from '../../src/audit/audit-records.js';
import { EVIDENCE_CHECK } from '../../src/bot/github/run-evidence-check.js';
import { auditBranch, allowedSignersOf } from './helpers/audit-branch.js';
import { startGitHubHarness, type GitHubHarness } from './helpers/github-harness.js';
import { pullRequestSynchronized } from './helpers/webhooks.js';

let h: GitHubHarness;
beforeAll(async () => {
  h = await startGitHubHarness();
});
afterAll(async () => h?.close());

describe('opening the promotion pull request of a sealed build', () => {
  test('pushes the record through the Git Data API, opens the pull request with the digest, and checks the evidence', async () => {
    const build = await h.sealBuild('sim-a', { source: 'slack', user: 'U0ALICE' });
    const opened = await h.app.openPromotionPullRequest({ record: build.record, jobId: 1 });
    const { github } = h;

    expect(opened.created).toBe(true);
    const branch = `promote/sim-a/${build.ts}`;
    expect(opened.pullRequest).toMatchObject({ number: 1, branch, record: build.record, sumsSha256: build.sumsSha256, state: 'open' });
    // Blobs, one tree, one commit, one ref: the Git Data API, never the contents API.
    expect(github.callsMatching('POST', /\/git\/blobs$/).length).toBeGreaterThanOrEqual(12);
    expect(github.callsMatching('POST', /\/git\/trees$/)).toHaveLength(1);
    expect(github.callsMatching('POST', /\/git\/commits$/)).toHaveLength(1);
    expect(github.callsMatching('POST', /\/git\/refs$/).map((call) => call.body)).toEqual([{ ref: `refs/heads/${branch}`, sha: github.headOf(branch) }]);
    expect(github.calls.every((call) => call.auth === 'app' || call.auth === 'installation')).toBe(true);

    const files = github.files(branch);
    for (const name of ['README.md', 'run.json', 'packer.log', 'PREV', 'SHA256SUMS', 'SHA256SUMS.sig']) {
      expect(files.get(`records/${build.record}/${name}`)?.content).toEqual(readFileSync(join(h.env.config.records, build.record, name)));
    }
    expect(files.get('records/HEAD')?.content.toString()).toBe(`${build.sumsSha256}  ${build.record}/SHA256SUMS\n`);
    expect(files.get('records/builds/sim-a/latest')).toEqual({ mode: '120000', content: Buffer.from(build.ts) });
    expect([...files.keys()].some((path) => path.startsWith('records/init/'))).toBe(true);

    const pr = github.pulls.get(1)!;
    expect(pr).toMatchObject({ state: 'open', head: branch, base: 'main', title: `Promote sim-a: Build record: sim-a, ${build.ts}` });
    expect(pr.user.login).toBe('goldsmith[bot]');
    expect(pr.body).toContain(build.sumsSha256);
    expect(pr.body).toContain('`/promote`');
    expect(pr.body).toContain(`<!-- goldsmith:record=${build.record} sha256=${build.sumsSha256} -->`);
    expect(pr.body).toContain('at the request of slack user U0ALICE');

    const [check] = github.checkRuns;
    expect(check).toMatchObject({ name: EVIDENCE_CHECK, headSha: github.headOf(branch), status: 'completed', conclusion: 'success', annotations: [] });
    expect(check!.title).toBe('audited 2 records (1 init, 1 build, 0 promotions): clean');
    // Files and links identical to the host's records (same Git blob SHA) are read locally: nothing is downloaded.
    expect(github.callsMatching('GET', /\/git\/blobs\//)).toHaveLength(0);
    expect(h.thread).toContainEqual([1, expect.stringContaining('https://github.invalid/acme/images/pull/1')]);
    expect(h.app.promotionPullRequest(1)).toBe('https://github.invalid/acme/images/pull/1');
  });

  test('a record that already has its pull request gets it back, not a second one', async () => {
    const pulls = h.github.pulls.size;
    const again = await h.app.openPromotionPullRequest({ record: h.github.pulls.get(1)!.head.replace('promote/sim-a/', 'builds/sim-a/'), jobId: 1 });
    expect(again.created).toBe(false);
    expect(again.pullRequest.number).toBe(1);
    expect(h.github.pulls.size).toBe(pulls);
  });
});

describe('approval by a writer', () => {
  test('promotes, adds the sealed promotion record to the pull request, merges, and answers', async () => {
    const { github } = h;
    github.setPermission('bob', 'write');
    const pr = github.pulls.get(1)!;
    const build = github.pulls.get(1)!.head.replace('promote/sim-a/', 'builds/sim-a/');
    const headBefore = github.headOf(pr.head)!;

    const delivered = await h.comment(1, github.account('bob'), '/promote\nThe log looks right.');
    expect(delivered.status).toBe(200);

    expect(github.reactionsOn(delivered.commentId)).toEqual(['eyes', 'rocket']);
    const [reply] = github.repliesOn(1);
    expect(reply).toMatch(/^\*\*Promoted\*\* `sim-a`: tpl-sim-a in \/DC0\/vm\/Templates: .*rename tpl-sim-a-build to tpl-sim-a \(ok\)/);
    expect(reply).toContain('approved by @bob');
    expect(reply).toContain(`merged into \`main\` as ${github.headOf('main')}`);

    // The promotion record, sealed locally, names the approver, the requester, the pull request and the digest.
    const promotions = github.repliesOn(1)[0]!.match(/records\/(promotions\/sim-a\/\d{8}T\d{6}Z)/)![1]!;
    const run = JSON.parse(readFileSync(join(h.env.config.records, promotions, 'run.json'), 'utf8'));
    expect(run).toMatchObject({
      kind: 'promotion',
      line: 'sim-a',
      approved_by: [{ source: 'github', user: 'bob' }],
      requested_by: { source: 'slack', user: 'U0ALICE' },
      pull_request: { number: 1, url: 'https://github.invalid/acme/images/pull/1' },
      build: { record: build },
    });
    expect(run.build.sums_sha256).toBe(h.github.pulls.get(1)!.body!.match(/sha256=([0-9a-f]{64})/)![1]);

    // Pushed to the pull request's branch on top of its head, then merged.
    const pushed = github.headOf(pr.head)!;
    expect(github.parentsOf(pushed)).toEqual([headBefore]);
    expect(github.files(pr.head).has(`records/${promotions}/SHA256SUMS`)).toBe(true);
    expect(github.callsMatching('PATCH', /\/git\/refs\/heads\/promote\/sim-a\//).map((call) => call.body)).toEqual([{ sha: pushed, force: false }]);
    expect(github.callsMatching('PUT', /\/pulls\/1\/merge$/).map((call) => call.body)).toEqual([expect.objectContaining({ sha: pushed, merge_method: 'merge' })]);
    expect(github.pulls.get(1)).toMatchObject({ state: 'closed', merged: true });
    expect(await h.templates()).toEqual(['tpl-sim-a']);
    expect(github.files('main').get('records/HEAD')?.content.toString()).toContain(`${promotions}/SHA256SUMS`);
    expect(github.checkRuns.find((check) => check.headSha === pushed)?.conclusion).toBe('success');

    // Both sides audit clean with the signing key: the host's records and the merged repository.
    expect((await auditRecords(h.env.config.records, { allowedSigners: allowedSignersOf(h.env.signer), threads: 1 })).ok).toBe(true);
    const merged = await auditBranch(github, 'main', h.env.signer);
    expect(merged.findings).toEqual([]);
    expect(merged.summary).toMatchObject({ records: 3, builds: 1, promotions: 1 });
    expect(h.thread).toContainEqual([1, expect.stringMatching(/^Promoted sim-a from https:\/\/github.invalid\/acme\/images\/pull\/1, approved by bob/)]);
    expect(h.jobs.events(1).map((event) => event.kind)).toEqual(expect.arrayContaining(['promotion-pr', 'promoted']));
  });

  test('a second /promote on the merged pull request is refused with the reason', async () => {
    const delivered = await h.comment(1, h.github.account('bob'), '/promote');
    expect(h.github.reactionsOn(delivered.commentId)).toEqual(['eyes', '-1']);
    expect(h.github.repliesOn(1).at(-1)).toMatch(/^\*\*Refused\*\* \(promote, @bob\): this pull request was already promoted by bob/);
    expect(h.github.callsMatching('PUT', /\/merge$/)).toHaveLength(1);
  });

  test('a pull request of another line, opened while one was pending, merges first; the pending one then merges without conflict', async () => {
    const { github } = h;
    const first = await h.sealBuild('sim-b', { source: 'cli', user: 'alice' });
    const second = await h.sealBuild('sim-c', { source: 'cli', user: 'alice' });
    const a = await h.app.openPromotionPullRequest({ record: first.record, jobId: null });
    const b = await h.app.openPromotionPullRequest({ record: second.record, jobId: null });
    // The second carries the first record too, so its chain is whole on its own.
    expect(github.files(b.pullRequest.branch).has(`records/${first.record}/SHA256SUMS`)).toBe(true);

    await h.comment(b.pullRequest.number, github.account('bob'), '/promote');
    expect(github.pulls.get(b.pullRequest.number)?.merged).toBe(true);
    await h.comment(a.pullRequest.number, github.account('bob'), '/promote');
    expect(github.repliesOn(a.pullRequest.number).at(-1)).toMatch(/^\*\*Promoted\*\*/);
    // The base moved: goldsmith's commit has the base as a second parent, so the merge cannot conflict.
    expect(github.parentsOf(github.headOf(a.pullRequest.branch)!)).toHaveLength(2);
    expect(github.pulls.get(a.pullRequest.number)?.merged).toBe(true);
    const merged = await auditBranch(github, 'main', h.env.signer);
    expect(merged.findings).toEqual([]);
    expect(merged.summary).toMatchObject({ builds: 3, promotions: 3 });
  });
});

describe('a push to a promotion pull request', () => {
  test('is audited again: the evidence check fails with the finding annotated on the edited file', async () => {
    const { github } = h;
    const build = await h.sealBuild('sim-d', { source: 'cli', user: 'alice' });
    const opened = await h.app.openPromotionPullRequest({ record: build.record, jobId: null });
    const path = `records/${build.record}/packer.log`;
    const head = github.pushCommit(opened.pullRequest.branch, 'mallory', { [path]: 'nothing to see\n' }, 'tidy the log');

    const delivered = await h.deliver('pull_request', pullRequestSynchronized(github, opened.pullRequest.number, head, github.account('mallory')));
    expect(delivered.status).toBe(200);
    const check = github.checkRuns.find((run) => run.headSha === head)!;
    expect(check).toMatchObject({ name: EVIDENCE_CHECK, conclusion: 'failure' });
    expect(check.annotations).toContainEqual(expect.objectContaining({ path, annotation_level: 'failure', message: expect.stringContaining('packer.log') }));
  });
});
