import { describe, expect, it } from 'vitest';
import { checkFourEyes } from '../../src/bot/github/check-four-eyes.js';

describe('checkFourEyes', () => {
  it('refuses the Slack requester approving on GitHub when github.logins says who they are', () => {
    expect(
      checkFourEyes({ approver: { login: 'Alice-GH' }, requestedBy: { source: 'slack', user: 'U0ALICE' }, pullRequestAuthor: undefined, logins: { 'slack:U0ALICE': 'alice-gh' } }),
    ).toBe('the build was requested by U0ALICE (slack), who is @alice-gh on GitHub; four eyes: a second person must approve it');
  });

  it('accepts another person, and refuses bots and the author of a hand-made pull request', () => {
    const requestedBy = { source: 'slack' as const, user: 'U0ALICE' };
    expect(checkFourEyes({ approver: { login: 'bob' }, requestedBy, pullRequestAuthor: undefined, logins: { 'slack:U0ALICE': 'alice-gh' } })).toBe(true);
    expect(checkFourEyes({ approver: { login: 'renovate[bot]', type: 'Bot' }, requestedBy, pullRequestAuthor: undefined })).toBe('@renovate[bot] is a bot; only people approve promotions');
    expect(checkFourEyes({ approver: { login: 'carol' }, requestedBy, pullRequestAuthor: { login: 'carol' } })).toBe('@carol opened this pull request; four eyes: a second person must approve it');
  });
});
