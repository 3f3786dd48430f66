import type { Probot } from 'probot';
import { scrubText } from '../../pipeline/scrub-text.js';
import { fullNameOf, type GitHubClient, type RepoRef } from './github-client.js';

/**
 * An Octokit authenticated as the app's installation on `ref`: looks the
 * installation up with the app's own token; when the app is not installed
 * there, says so and how to fix it (the error text scrubbed of `secrets`).
 *
 * @example
 * const client = await authenticateInstallation(probot, credentials.appId, { owner: 'acme', repo: 'images' }, secrets);
 */
export async function authenticateInstallation(probot: Probot, appId: number, ref: RepoRef, secrets: readonly string[]): Promise<GitHubClient> {
  const appClient = await probot.auth();
  let id: number;
  try {
    ({ data: { id } } = await appClient.rest.apps.getRepoInstallation({ ...ref }));
  } catch (error) {
    throw new Error(`the GitHub App (APP_ID ${appId}) is not installed on ${fullNameOf(ref)}, or cannot see it: install it there with the permissions in docs/github.md (${scrubText((error as Error).message, secrets)})`);
  }
  return (await probot.auth(id)) as GitHubClient;
}
