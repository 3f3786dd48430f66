import { activeRevocation, describeRevocation } from '../../evidence/find-revocation.js';
import { checkFourEyes } from './check-four-eyes.js';
import { checkPermission } from './check-permission.js';
import { describeLineHolder } from './describe-line-holder.js';
import type { Responder } from './create-responder.js';
import { ensureEvidenceCheck } from './ensure-evidence-check.js';
import type { GitHubAppContext } from './github-app-context.js';
import { fullNameOf, type GitHubClient } from './github-client.js';
import type { PromotionPullRequest } from './github-store.js';
import type { GitHubAccount } from './is-bot-account.js';
import { octokitPermissionApi } from './octokit-permission-api.js';
import { pushRecords } from './push-records.js';
import { readBodyBinding } from './render-pull-request.js';
import { isRefusal } from './is-refusal.js';
import { notifyBuildThread } from './notify-build-thread.js';
import { refuse } from './refuse.js';
import { runEvidenceCheck } from './run-evidence-check.js';
import { scrubText } from '../../pipeline/scrub-text.js';
import { verifyRecordBinding } from './verify-record-binding.js';

export interface PromoteRequest {
  number: number;
  approver: GitHubAccount;
  /** How the approval was given, for the reply: a `/promote` comment or an approving review. */
  via: 'comment' | 'review';
  respond: Responder;
}

const short = (digest: string) => `${digest.slice(0, 16)}…`;

/** The checks that need no lock: who approves, and that the pull request still carries what was approved. */
async function checkApproval(context: GitHubAppContext, client: GitHubClient, request: PromoteRequest): Promise<{ tracked: PromotionPullRequest; headSha: string } | string> {
  const { ref, store, settings } = context;
  const tracked = store.pullRequest(fullNameOf(ref), request.number);
  if (!tracked) return `#${request.number} is not a promotion pull request goldsmith opened; /promote works only on those`;
  if (tracked.state !== 'open') return `this pull request was already ${tracked.state} by ${tracked.closedBy} at ${tracked.closedAt}`;
  const { data: pr } = await client.rest.pulls.get({ ...ref, pull_number: request.number });
  if (pr.state !== 'open') return 'this pull request is closed; nothing to promote';
  // Before any approval is recorded: the promotion's own check refuses it too, for every door.
  const revoked = activeRevocation(context.recordsRoot, tracked.line, tracked.sumsSha256);
  if (revoked) return describeRevocation(tracked.record, revoked);

  const permitted = await checkPermission(octokitPermissionApi(client), {
    ...ref,
    login: request.approver.login,
    teams: settings.approver_teams,
    action: 'promote',
  });
  if (permitted !== true) return permitted;
  const fourEyes = checkFourEyes({ approver: request.approver, requestedBy: tracked.requestedBy, pullRequestAuthor: pr.user ?? undefined, logins: settings.logins });
  if (fourEyes !== true) return fourEyes;

  const binding = readBodyBinding(pr.body);
  if (!binding || binding.record !== tracked.record || binding.sumsSha256 !== tracked.sumsSha256) {
    return `the pull request's body no longer binds \`${tracked.record}\` with SHA256SUMS SHA-256 ${short(tracked.sumsSha256)} (it was edited), so the approval cannot be bound to what goldsmith sealed; restore the body's goldsmith:record line or /reject`;
  }
  const bound = await verifyRecordBinding(client, ref, pr.head.sha, tracked.record, tracked.sumsSha256);
  if (!bound.ok) return bound.message;
  const verdict = await ensureEvidenceCheck(client, ref, pr.head.sha, { appId: context.appId, allowedSigners: context.allowedSigners, localRoot: context.recordsRoot });
  if (verdict.conclusion !== 'success') return `the goldsmith/evidence check on ${pr.head.sha.slice(0, 12)} did not pass (${verdict.summary}); fix the records first`;
  return { tracked, headSha: pr.head.sha };
}

/**
 * `/promote` (or an approving review, when `github.approve_on_review` is set):
 * checks the approver (write access or an approver team, four eyes), the
 * binding of the pull request's record to its digest and the evidence check;
 * records the approval; and once `github.approvals_required` distinct people
 * approved, takes the line, promotes, adds the sealed promotion record to the
 * pull request, merges it and says what happened, here and in the build's
 * Slack thread. A second `/promote` while the line is taken is answered, not
 * acted on.
 *
 * @example
 * await promotePullRequest(context, octokit, { number: 42, approver: { login: 'bob', type: 'User' }, via: 'comment', respond });
 */
export async function promotePullRequest(context: GitHubAppContext, client: GitHubClient, request: PromoteRequest): Promise<void> {
  const { ref, store, settings } = context;
  const { respond, approver } = request;
  const repository = fullNameOf(ref);
  const checked = await checkApproval(context, client, request);
  if (typeof checked === 'string') return refuse(context, respond, { action: 'promote', login: approver.login, number: request.number, message: checked });
  const { tracked, headSha } = checked;

  const approvers = store.addApproval(repository, request.number, approver.login, tracked.sumsSha256);
  if (approvers.length < settings.approvals_required) {
    await respond.react('+1');
    await respond.reply(
      `**Approval recorded** from @${approver.login} (${approvers.length} of ${settings.approvals_required}, bound to SHA256SUMS SHA-256 \`${tracked.sumsSha256}\`). ` +
        `${settings.approvals_required - approvers.length} more approval(s) from other people with write access are needed.`,
    );
    return;
  }

  const lock = store.lockLine({ line: tracked.line, action: 'promote', login: approver.login, pullRequest: request.number });
  if (!lock.ok) {
    return refuse(context, respond, {
      action: 'promote',
      login: approver.login,
      number: request.number,
      message: `${describeLineHolder(lock.holder)}. One promotion per line at a time; this one was not started. Comment /promote again once it has finished, if still needed`,
    });
  }
  try {
    // Re-read under the lock: a promotion that held it may have just finished this very pull request.
    const current = store.pullRequest(repository, request.number);
    if (current?.state !== 'open') {
      return await refuse(context, respond, { action: 'promote', login: approver.login, number: request.number, message: `this pull request was already ${current?.state ?? 'closed'} by ${current?.closedBy} at ${current?.closedAt}` });
    }
    // A push between the checks and now would put unchecked records under the approval.
    const { data: pr } = await client.rest.pulls.get({ ...ref, pull_number: request.number });
    if (pr.head.sha !== headSha) {
      return await refuse(context, respond, {
        action: 'promote',
        login: approver.login,
        number: request.number,
        message: `the branch moved to ${pr.head.sha.slice(0, 12)} while the approval was checked; nothing was promoted. Comment /promote again to check the new head`,
      });
    }
    await runPromotion(context, client, request, tracked, headSha, approvers, lock.token);
  } finally {
    store.unlockLine(tracked.line, lock.token);
  }
}

/** Promotes under the line's lock (`lineLock`), then brings the promotion record to the pull request and merges it. */
async function runPromotion(
  context: GitHubAppContext,
  client: GitHubClient,
  request: PromoteRequest,
  tracked: PromotionPullRequest,
  headSha: string,
  approvers: string[],
  lineLock: string,
): Promise<void> {
  const { ref, store, settings } = context;
  const { respond } = request;
  const repository = fullNameOf(ref);
  const pullRequest = { url: tracked.url, number: tracked.number };
  let outcome;
  try {
    outcome = await context.promotion.promote({
      line: tracked.line,
      buildRecord: tracked.record,
      expectedBuildSha256: tracked.sumsSha256,
      requestedBy: tracked.requestedBy,
      approvedBy: approvers.map((login) => ({ source: 'github' as const, user: login })),
      pullRequest,
      jobId: tracked.jobId,
      lineLock,
    });
  } catch (error) {
    const reason = scrubText((error as Error).message, context.secrets);
    if (isRefusal(error)) return refuse(context, respond, { action: 'promote', login: request.approver.login, number: tracked.number, message: reason });
    context.log.error({ pull_request: tracked.number, line: tracked.line, err: reason }, 'promotion failed');
    context.jobs?.addEvent(tracked.jobId, 'promotion-failed', `${tracked.url}: ${reason}`);
    await respond.react('confused');
    await respond.reply(`**Promotion failed** for \`${tracked.line}\`: ${reason}\n\nThe approval stands; comment /promote to try again once the cause is fixed.`);
    await notifyBuildThread(context, tracked.jobId, `Promotion of ${tracked.line} from ${tracked.url} failed: ${reason}`);
    return;
  }
  const sealed = outcome.record;
  store.closePullRequest(repository, tracked.number, 'promoted', approvers.join(', '), sealed.record);
  context.jobs?.addEvent(tracked.jobId, 'promoted', `${tracked.url}: approved by ${approvers.join(', ')}; ${sealed.record}`);
  context.log.info({ pull_request: tracked.number, line: tracked.line, record: sealed.record, approvers }, 'promoted');

  let merged: string;
  try {
    const pushed = await pushRecords(client, ref, {
      root: context.recordsRoot,
      upTo: sealed.record,
      baseBranch: settings.base_branch,
      branch: tracked.branch,
      existing: { headSha, baseSha: tracked.baseSha },
      message: `Evidence: ${sealed.record}\n\nPromotion of ${tracked.record} (SHA256SUMS SHA-256 ${tracked.sumsSha256}), approved by ${approvers.join(', ')}.`,
      memory: store.blobMemory(repository),
    });
    store.setBaseSha(repository, tracked.number, pushed.baseSha);
    await runEvidenceCheck(client, ref, pushed.commitSha, { allowedSigners: context.allowedSigners, localRoot: context.recordsRoot });
    const { data } = await client.rest.pulls.merge({
      ...ref,
      pull_number: tracked.number,
      sha: pushed.commitSha,
      merge_method: 'merge',
      commit_title: `Promote ${tracked.line}: ${tracked.record} (#${tracked.number})`,
    });
    merged = data.sha;
  } catch (error) {
    const reason = scrubText((error as Error).message, context.secrets);
    context.log.error({ pull_request: tracked.number, record: sealed.record, err: reason }, 'promotion record not merged');
    await respond.react('confused');
    await respond.reply(
      `**Promoted, but not merged**: ${outcome.summary}. The promotion record \`records/${sealed.record}\` is sealed on the goldsmith host, ` +
        `but adding it to this pull request or merging failed: ${reason}. Merge by hand once the cause is fixed; the next promotion pull request carries the record too.`,
    );
    await notifyBuildThread(context, tracked.jobId, `Promoted ${tracked.line} from ${tracked.url} (approved by ${approvers.join(', ')}), but the pull request could not be merged: ${reason}`);
    return;
  }
  await respond.react('rocket');
  await respond.reply(
    [
      `**Promoted** \`${tracked.line}\`: ${outcome.summary}`,
      '',
      `- approved by ${approvers.map((login) => `@${login}`).join(', ')} (${request.via === 'review' ? 'review' : '/promote'}), bound to build record \`records/${tracked.record}\` with SHA256SUMS SHA-256 \`${tracked.sumsSha256}\``,
      `- promotion record \`records/${sealed.record}\` (seq ${sealed.seq}, SHA256SUMS SHA-256 \`${sealed.sumsSha256}\`) added to this pull request`,
      `- merged into \`${settings.base_branch}\` as ${merged}`,
    ].join('\n'),
  );
  await notifyBuildThread(context, tracked.jobId, `Promoted ${tracked.line} from ${tracked.url}, approved by ${approvers.join(', ')}: ${outcome.summary}`);
}
