import type { GitHubAppContext } from './github-app-context.js';
import { fullNameOf, isSameRepo, type GitHubClient } from './github-client.js';
import { isBotAccount } from './is-bot-account.js';
import { runEvidenceCheck } from './run-evidence-check.js';
import type { PullRequestPushPayload } from './webhook-payload-schemas.js';

/**
 * Someone pushed to a promotion pull request's branch: audit its records
 * again, so the `goldsmith/evidence` check on the new head shows what the
 * push did to them. goldsmith's own pushes are checked where they are made.
 *
 * @example
 * app.on('pull_request.synchronize', (event) => handlePullRequestPush(context, event.octokit, event.payload));
 */
export async function handlePullRequestPush(context: GitHubAppContext, client: GitHubClient, payload: PullRequestPushPayload): Promise<void> {
  if (isBotAccount(payload.sender)) return;
  if (!isSameRepo({ owner: payload.repository.owner.login, repo: payload.repository.name }, context.ref)) return;
  const tracked = context.store.pullRequest(fullNameOf(context.ref), payload.pull_request.number);
  if (tracked?.state !== 'open') return;
  const result = await runEvidenceCheck(client, context.ref, payload.pull_request.head.sha, { allowedSigners: context.allowedSigners, localRoot: context.recordsRoot });
  context.log.info({ pull_request: tracked.number, head: payload.pull_request.head.sha, conclusion: result.conclusion }, 'evidence checked after a push');
}
