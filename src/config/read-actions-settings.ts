import { readBaseUrl, readGitHubSettings, type GitHubAppCredentials } from './read-github-settings.js';
import { SettingsError } from './settings-error.js';

/** How goldsmith reaches GitHub Actions: the REST API base and one way to authenticate. */
export interface ActionsSettings {
  /** REST API base without a trailing slash (`https://api.github.com`, or a GitHub Enterprise Server's `/api/v3`). */
  apiBase: string;
  /** A configured token (GITHUB_TOKEN), or the GitHub App, whose installation token is minted per hour. */
  auth: { kind: 'token'; token: string } | { kind: 'app'; credentials: GitHubAppCredentials };
}

/**
 * Reads how to call GitHub's Actions API: GITHUB_TOKEN when set (a
 * fine-grained token with Actions: write on the workflow's repository),
 * else the GitHub App of `goldsmith serve` (APP_ID, PRIVATE_KEY_PATH, …),
 * whose installation needs the Actions: write permission. Throws naming
 * what to set when neither is there.
 *
 * @example
 * readActionsSettings({ GITHUB_TOKEN: 'github_pat_…' }, '.').auth.kind // 'token'
 */
export function readActionsSettings(env: Readonly<Record<string, string>>, cwd: string): ActionsSettings {
  const apiBase = readBaseUrl(env) ?? 'https://api.github.com';
  const token = env.GITHUB_TOKEN?.trim();
  if (token) {
    if (/\s/.test(token)) throw new SettingsError('GITHUB_TOKEN holds white space: give the token alone');
    return { apiBase, auth: { kind: 'token', token } };
  }
  const credentials = readGitHubSettings(env, cwd);
  if (credentials) return { apiBase: credentials.baseUrl ?? apiBase, auth: { kind: 'app', credentials } };
  throw new SettingsError(
    'builds on github-actions need a way into the Actions API: set GITHUB_TOKEN to a token with Actions: write on the workflow\'s repository, or configure the GitHub App (APP_ID, PRIVATE_KEY_PATH, WEBHOOK_SECRET) and grant its installation Actions: write (docs/executors.md)',
  );
}
