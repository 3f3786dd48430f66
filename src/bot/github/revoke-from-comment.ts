import { checkPermission } from './check-permission.js';
import type { Responder } from './create-responder.js';
import type { GitHubAppContext } from './github-app-context.js';
import { fullNameOf, type GitHubClient } from './github-client.js';
import type { GitHubAccount } from './is-bot-account.js';
import { octokitPermissionApi } from './octokit-permission-api.js';
import { refuse } from './refuse.js';
import { scrubText } from '../../pipeline/scrub-text.js';

export interface RevokeRequest {
  /** The promotion pull request the comment was given on. */
  number: number;
  user: GitHubAccount;
  /** One paragraph, already checked by the comment grammar. */
  reason: string;
  respond: Responder;
}

/**
 * `/revoke <reason>` on a promotion pull request: seals a revocation record
 * for the build the pull request carries (bound by its SHA256SUMS digest),
 * so neither this pull request's `/promote` nor any other door promotes it
 * again. Needs the same access as approving (write, maintain or admin, or an
 * approver team); no second person, since it only stops a change. The
 * record reaches the repository with the next promotion pull request.
 *
 * @example
 * await revokeFromComment(context, octokit, { number: 42, user: { login: 'bob' }, reason: 'CVE-2026-1234', respond });
 */
export async function revokeFromComment(context: GitHubAppContext, client: GitHubClient, request: RevokeRequest): Promise<void> {
  const { ref, store, settings } = context;
  const { respond, user } = request;
  const refusal = (message: string) => refuse(context, respond, { action: 'revoke', login: user.login, number: request.number, message });
  const tracked = store.pullRequest(fullNameOf(ref), request.number);
  if (!tracked) return refusal(`#${request.number} is not a promotion pull request goldsmith opened; /revoke works only on those (or run "goldsmith revoke <line> <record>" on the goldsmith host)`);
  const permitted = await checkPermission(octokitPermissionApi(client), { ...ref, login: user.login, teams: settings.approver_teams, action: 'revoke' });
  if (permitted !== true) return refusal(permitted);
  if (!context.revocations) return refusal('revocations are not connected to this goldsmith; run "goldsmith revoke" on the goldsmith host');
  let outcome;
  try {
    outcome = await context.revocations.revoke({
      action: 'revoke',
      line: tracked.line,
      selector: tracked.record,
      expectedSums: tracked.sumsSha256,
      reason: request.reason,
      requestedBy: { source: 'github', user: user.login },
      pullRequest: { url: tracked.url, number: tracked.number },
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'usage' || code === 'refused') return refusal(scrubText((error as Error).message, context.secrets));
    throw error;
  }
  const sealed = outcome.written!;
  context.jobs?.addEvent(tracked.jobId, 'revoke', `github:${user.login} on #${tracked.number}: ${tracked.record}; ${sealed.record}`);
  context.log.info({ pull_request: tracked.number, line: tracked.line, record: sealed.record, user: user.login }, 'revoked');
  await respond.react('-1');
  await respond.reply(
    [
      `**Revoked** \`records/${tracked.record}\` (SHA256SUMS SHA-256 \`${tracked.sumsSha256}\`) by @${user.login}: ${outcome.details.reason}`,
      '',
      `- revocation record \`records/${sealed.record}\` (seq ${sealed.seq}, SHA256SUMS SHA-256 \`${sealed.sumsSha256}\`) sealed on the goldsmith host`,
      `- /promote on this pull request is now refused; lift it with \`goldsmith unrevoke ${tracked.line} ${tracked.record} --reason "…"\` or \`/image unrevoke\` in Slack`,
      ...(outcome.live ? [`- this build is the live template of \`${tracked.line}\`: build and promote a new one, or roll back`] : []),
    ].join('\n'),
  );
}
