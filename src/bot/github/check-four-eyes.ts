import type { Requester } from '../../evidence/run-schema.js';
import { isBotAccount, type GitHubAccount } from './is-bot-account.js';

export interface FourEyesOptions {
  approver: GitHubAccount;
  /** The build record's `requested_by`. */
  requestedBy: Requester;
  /** Who opened the pull request: goldsmith's own bot, or a person who opened it by hand. */
  pullRequestAuthor: GitHubAccount | undefined;
  /** config github.logins: `slack:<id>` or `cli:<user>` → GitHub login. */
  logins?: Readonly<Record<string, string>>;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The four-eyes rule: the approver is a person, and not the one who asked
 * for the build. Slack and CLI requesters are known by their Slack id or
 * user name, not a GitHub login: the approver's login is compared with
 * `requested_by.user`, with the login config `github.logins` maps the
 * requester to, and with the pull request's author when a person opened it.
 * Returns true, or the message the approver sees.
 *
 * @example
 * checkFourEyes({ approver: { login: 'alice' }, requestedBy: { source: 'github', user: 'alice' }, pullRequestAuthor: undefined })
 * // 'the build was requested by alice (github); a second person must approve it'
 */
export function checkFourEyes(options: FourEyesOptions): true | string {
  const { approver, requestedBy, pullRequestAuthor } = options;
  if (isBotAccount(approver)) return `@${approver.login} is a bot; only people approve promotions`;
  const requesterLogin = options.logins?.[`${requestedBy.source}:${requestedBy.user}`];
  if (same(approver.login, requestedBy.user) || (requesterLogin !== undefined && same(approver.login, requesterLogin))) {
    const known = requesterLogin && !same(requesterLogin, requestedBy.user) ? `, who is @${requesterLogin} on GitHub` : '';
    return `the build was requested by ${requestedBy.user} (${requestedBy.source})${known}; four eyes: a second person must approve it`;
  }
  if (pullRequestAuthor && !isBotAccount(pullRequestAuthor) && same(approver.login, pullRequestAuthor.login)) {
    return `@${approver.login} opened this pull request; four eyes: a second person must approve it`;
  }
  return true;
}
