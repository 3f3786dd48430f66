import { createResponder } from './create-responder.js';
import type { GitHubAppContext } from './github-app-context.js';
import { isSameRepo, type GitHubClient } from './github-client.js';
import { isBotAccount } from './is-bot-account.js';
import { parseCommentCommand } from './parse-comment-command.js';
import { promotePullRequest } from './promote-pull-request.js';
import { refuse } from './refuse.js';
import { rejectPullRequest } from './reject-pull-request.js';
import { revokeFromComment } from './revoke-from-comment.js';
import { rollbackFromComment } from './rollback-from-comment.js';
import { scrubText } from '../../pipeline/scrub-text.js';
import type { IssueCommentPayload } from './webhook-payload-schemas.js';

/**
 * A new comment on an issue or pull request of the configured repository:
 * silent unless its first word is one of goldsmith's commands and a person
 * wrote it; then an `eyes` reaction, and the command. Anything that goes
 * wrong unexpectedly is answered too (scrubbed), so a command never
 * disappears without a word.
 *
 * @example
 * app.on('issue_comment.created', (event) => handleIssueComment(context, event.octokit, event.payload));
 */
export async function handleIssueComment(context: GitHubAppContext, client: GitHubClient, payload: IssueCommentPayload): Promise<void> {
  const author = payload.comment.user ?? payload.sender;
  // Bots, and goldsmith itself, are never answered: no loops, no bot approvals.
  if (isBotAccount(payload.sender) || isBotAccount(author) || payload.comment.performed_via_github_app?.id === context.appId) return;
  if (!isSameRepo({ owner: payload.repository.owner.login, repo: payload.repository.name }, context.ref)) return;
  const parsed = parseCommentCommand(payload.comment.body, context.matrix);
  if (parsed.kind === 'none') return;
  const number = payload.issue.number;
  const respond = createResponder(context, client, number, payload.comment.id);
  await respond.react('eyes');
  try {
    if (parsed.kind === 'invalid') return await refuse(context, respond, { action: parsed.verb.slice(1), login: author.login, number, message: parsed.message });
    const { command } = parsed;
    if (command.verb === 'rollback') return await rollbackFromComment(context, client, { line: command.line, number, url: payload.issue.html_url, user: author, respond });
    if (!payload.issue.pull_request) {
      return await refuse(context, respond, { action: command.verb, login: author.login, number, message: `/${command.verb} works on promotion pull requests, and #${number} is an issue` });
    }
    if (command.verb === 'revoke') return await revokeFromComment(context, client, { number, user: author, reason: command.reason, respond });
    if (command.verb === 'promote') return await promotePullRequest(context, client, { number, approver: author, via: 'comment', respond });
    return await rejectPullRequest(context, client, { number, user: author, respond });
  } catch (error) {
    const reason = scrubText((error as Error).message, context.secrets);
    context.log.error({ pull_request: number, command: parsed.kind === 'command' ? parsed.command.verb : parsed.verb, err: reason }, 'command failed');
    await respond.react('confused');
    await respond.reply(`**Failed**: goldsmith could not complete the command: ${reason}. Nothing further was done; try again, or ask an operator to check goldsmith's log.`);
  }
}
