import { createResponder } from './create-responder.js';
import type { GitHubAppContext } from './github-app-context.js';
import { fullNameOf, isSameRepo, type GitHubClient } from './github-client.js';
import { isBotAccount } from './is-bot-account.js';
import { promotePullRequest } from './promote-pull-request.js';
import { scrubText } from '../../pipeline/scrub-text.js';
import type { PullRequestReviewPayload } from './webhook-payload-schemas.js';

/**
 * An approving review counts as `/promote` when `github.approve_on_review`
 * is set, on goldsmith's own promotion pull requests only (reviews of other
 * pull requests are none of its business, so they get no answer).
 *
 * @example
 * app.on('pull_request_review.submitted', (event) => handlePullRequestReview(context, event.octokit, event.payload));
 */
export async function handlePullRequestReview(context: GitHubAppContext, client: GitHubClient, payload: PullRequestReviewPayload): Promise<void> {
  if (!context.settings.approve_on_review || payload.review.state.toLowerCase() !== 'approved') return;
  const reviewer = payload.review.user ?? payload.sender;
  if (isBotAccount(payload.sender) || isBotAccount(reviewer)) return;
  if (!isSameRepo({ owner: payload.repository.owner.login, repo: payload.repository.name }, context.ref)) return;
  const number = payload.pull_request.number;
  if (!context.store.pullRequest(fullNameOf(context.ref), number)) return;
  const respond = createResponder(context, client, number, undefined);
  try {
    await promotePullRequest(context, client, { number, approver: reviewer, via: 'review', respond });
  } catch (error) {
    const reason = scrubText((error as Error).message, context.secrets);
    context.log.error({ pull_request: number, err: reason }, 'review approval failed');
    await respond.reply(`**Failed**: goldsmith could not act on @${reviewer.login}'s approving review: ${reason}. Comment /promote to try again.`);
  }
}
