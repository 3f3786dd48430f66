import { afterAll, beforeAll, expect, test } from 'vitest';
import { startGitHubHarness, type GitHubHarness } from './helpers/github-harness.js';

let h: GitHubHarness;
beforeAll(async () => {
  h = await startGitHubHarness({ githubYaml: ['approvals_required: 2'] });
  for (const login of ['bob', 'erin']) h.github.setPermission(login, 'write');
});
afterAll(async () => h?.close());

test('github.approvals_required distinct people: the same one twice does not count twice', async () => {
  const build = await h.sealBuild('sim-a', { source: 'cli', user: 'alice' });
  const { number } = (await h.app.openPromotionPullRequest({ record: build.record })).pullRequest;
  expect(h.github.pulls.get(number)!.body).toContain('It needs 2 different people');

  const first = await h.comment(number, h.github.account('bob'), '/promote');
  expect(h.github.reactionsOn(first.commentId)).toEqual(['eyes', '+1']);
  expect(h.github.repliesOn(number).at(-1)).toMatch(/^\*\*Approval recorded\*\* from @bob \(1 of 2, bound to SHA256SUMS SHA-256 `[0-9a-f]{64}`\)/);
  await h.comment(number, h.github.account('bob'), '/promote');
  expect(h.github.repliesOn(number).at(-1)).toMatch(/\(1 of 2/);
  expect(h.promotionsOf('sim-a')).toEqual([]);

  const second = await h.comment(number, h.github.account('erin'), '/promote');
  expect(h.github.reactionsOn(second.commentId)).toEqual(['eyes', 'rocket']);
  expect(h.github.repliesOn(number).at(-1)).toContain('approved by @bob, @erin');
  expect(h.promotionsOf('sim-a')).toHaveLength(1);
  expect(h.github.pulls.get(number)?.merged).toBe(true);
});

test('/promote on an issue is refused: it works on promotion pull requests', async () => {
  const delivered = await h.comment(1, h.github.account('bob'), '/promote', { onIssue: true });
  expect(h.github.reactionsOn(delivered.commentId)).toEqual(['eyes', '-1']);
  expect(h.github.repliesOn(1).at(-1)).toMatch(/works on promotion pull requests, and #1 is an issue/);
});
