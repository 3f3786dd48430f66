import { checkPermission } from './check-permission.js';
import type { Responder } from './create-responder.js';
import type { GitHubAppContext } from './github-app-context.js';
import { fullNameOf, type GitHubClient } from './github-client.js';
import type { GitHubAccount } from './is-bot-account.js';
import { notifyBuildThread } from './notify-build-thread.js';
import { octokitPermissionApi } from './octokit-permission-api.js';
import { refuse } from './refuse.js';

/**
 * `/reject`: closes a promotion pull request and marks its build rejected
 * (in goldsmith's state and the job's audit trail), so it can never be
 * promoted from this pull request. Anyone who could approve may reject,
 * including the build's requester, who may withdraw their own build.
 *
 * @example
 * await rejectPullRequest(context, octokit, { number: 42, user: { login: 'bob', type: 'User' }, respond });
 */
export async function rejectPullRequest(context: GitHubAppContext, client: GitHubClient, request: { number: number; user: GitHubAccount; respond: Responder }): Promise<void> {
  const { ref, store } = context;
  const { respond, user, number } = request;
  const repository = fullNameOf(ref);
  const refusal = (message: string) => refuse(context, respond, { action: 'reject', login: user.login, number, message });
  const tracked = store.pullRequest(repository, number);
  if (!tracked) return refusal(`#${number} is not a promotion pull request goldsmith opened; /reject works only on those`);
  if (tracked.state !== 'open') return refusal(`this pull request was already ${tracked.state} by ${tracked.closedBy} at ${tracked.closedAt}`);
  const permitted = await checkPermission(octokitPermissionApi(client), { ...ref, login: user.login, teams: context.settings.approver_teams, action: 'reject' });
  if (permitted !== true) return refusal(permitted);

  await client.rest.pulls.update({ ...ref, pull_number: number, state: 'closed' });
  store.closePullRequest(repository, number, 'rejected', user.login);
  context.jobs?.addEvent(tracked.jobId, 'rejected', `${tracked.url}: build ${tracked.record} rejected by github:${user.login}`);
  context.log.info({ pull_request: number, line: tracked.line, record: tracked.record, user: user.login }, 'rejected');
  await respond.react('+1');
  await respond.reply(`**Rejected** by @${user.login}: build record \`records/${tracked.record}\` will not be promoted from this pull request, which is now closed. \`${tracked.line}\` keeps its current template.`);
  await notifyBuildThread(context, tracked.jobId, `Build ${tracked.record} was rejected by ${user.login} on ${tracked.url}; it will not be promoted.`);
}
