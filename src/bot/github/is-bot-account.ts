/** A GitHub account as webhooks and the REST API describe it. */
export interface GitHubAccount {
  login: string;
  type?: string | undefined;
}

/**
 * True for bots: GitHub marks app and machine accounts `type: "Bot"`, and
 * app logins end in `[bot]`. Bots never approve, and goldsmith never
 * answers them (so it cannot talk to itself or another bot in a loop).
 *
 * @example
 * isBotAccount({ login: 'goldsmith[bot]', type: 'Bot' }) // true
 * isBotAccount({ login: 'octocat', type: 'User' })       // false
 */
export function isBotAccount(account: GitHubAccount): boolean {
  return account.type === 'Bot' || account.login.toLowerCase().endsWith('[bot]');
}
