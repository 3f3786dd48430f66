import { Probot, ProbotOctokit } from 'probot';
import type { GitHubAppCredentials } from '../../config/read-github-settings.js';
import { authenticateInstallation } from './authenticate-installation.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import { scrubOutgoingRequests } from './scrub-outgoing-request.js';

/**
 * An Octokit authenticated as the GitHub App's installation on `ref`, for
 * work outside a webhook (goldsmith iso check): the same app, the same
 * scrubbing of outgoing requests as `goldsmith serve`'s.
 *
 * @example
 * const client = await createInstallationClient(settings.github(cwd)!, { owner: 'acme', repo: 'images' }, secrets);
 */
export async function createInstallationClient(credentials: GitHubAppCredentials, ref: RepoRef, secrets: readonly string[], options: { throttle?: boolean } = {}): Promise<GitHubClient> {
  const throttle = options.throttle ?? true;
  const scrub = [credentials.webhookSecret, credentials.privateKey, ...secrets].filter((value) => value.length > 0);
  const Octokit = ProbotOctokit.defaults((instanceOptions: Record<string, unknown>) => ({
    ...instanceOptions,
    ...(throttle ? {} : { throttle: { enabled: false }, retry: { enabled: false } }),
  })).plugin(scrubOutgoingRequests(scrub));
  const probot = new Probot({ appId: credentials.appId, privateKey: credentials.privateKey, secret: credentials.webhookSecret, baseUrl: credentials.baseUrl, Octokit, logLevel: 'warn' });
  return authenticateInstallation(probot, credentials.appId, ref, scrub);
}
