import { checkPermission } from './check-permission.js';
import { describeLineHolder } from './describe-line-holder.js';
import type { Responder } from './create-responder.js';
import type { GitHubAppContext } from './github-app-context.js';
import { fullNameOf, type GitHubClient } from './github-client.js';
import type { GitHubAccount } from './is-bot-account.js';
import { isRefusal } from './is-refusal.js';
import { octokitPermissionApi } from './octokit-permission-api.js';
import { pushRecords } from './push-records.js';
import { refuse } from './refuse.js';
import { runEvidenceCheck } from './run-evidence-check.js';
import { scrubText } from '../../pipeline/scrub-text.js';

export interface RollbackRequest {
  line: string;
  /** The issue or pull request the command was given on. */
  number: number;
  url: string;
  user: GitHubAccount;
  respond: Responder;
}

/**
 * `/rollback <line>`: makes `<base>-prev` current again, as a forward action
 * recorded like a promotion. Needs the same access as approving, but no
 * second person: it returns to a template that was itself approved. The
 * rollback record reaches the repository through a pull request of its own
 * (`rollback/<line>/<ts>`), merged at once since it records what happened.
 *
 * @example
 * await rollbackFromComment(context, octokit, { line: 'ubuntu-24.04', number: 42, url, user: { login: 'bob' }, respond });
 */
export async function rollbackFromComment(context: GitHubAppContext, client: GitHubClient, request: RollbackRequest): Promise<void> {
  const { ref, store, settings } = context;
  const { respond, user, line } = request;
  const refusal = (message: string) => refuse(context, respond, { action: 'rollback', login: user.login, number: request.number, message });
  const permitted = await checkPermission(octokitPermissionApi(client), { ...ref, login: user.login, teams: settings.approver_teams, action: 'roll back' });
  if (permitted !== true) return refusal(permitted);
  const lock = store.lockLine({ line, action: 'rollback', login: user.login, pullRequest: request.number });
  if (!lock.ok) return refusal(`${describeLineHolder(lock.holder)}. Try again once it has finished`);
  try {
    let outcome;
    try {
      outcome = await context.promotion.rollback({ line, requestedBy: { source: 'github', user: user.login }, pullRequest: { url: request.url, number: request.number }, lineLock: lock.token });
    } catch (error) {
      const reason = scrubText((error as Error).message, context.secrets);
      if (isRefusal(error)) return await refusal(reason);
      context.log.error({ line, err: reason }, 'rollback failed');
      await respond.react('confused');
      await respond.reply(`**Rollback failed** for \`${line}\`: ${reason}`);
      return;
    }
    const sealed = outcome.record;
    context.jobs?.addEvent(null, 'rolled-back', `${line} by github:${user.login} on #${request.number}; ${sealed.record}`);
    context.log.info({ line, record: sealed.record, user: user.login }, 'rolled back');
    let published = '';
    try {
      const branch = `rollback/${line}/${sealed.ts}`;
      const pushed = await pushRecords(client, ref, {
        root: context.recordsRoot,
        upTo: sealed.record,
        baseBranch: settings.base_branch,
        branch,
        message: `Evidence: ${sealed.record}\n\nRollback of ${line} by ${user.login}.`,
        memory: store.blobMemory(fullNameOf(ref)),
      });
      const { data: pr } = await client.rest.pulls.create({
        ...ref,
        head: branch,
        base: settings.base_branch,
        title: `Rollback ${line}: ${sealed.record}`,
        body: `Evidence of the rollback of \`${line}\` asked for by @${user.login} on #${request.number}: \`records/${sealed.record}\` (SHA256SUMS SHA-256 \`${sealed.sumsSha256}\`).\n\nMerged by goldsmith at once: it records what already happened.`,
      });
      await runEvidenceCheck(client, ref, pushed.commitSha, { allowedSigners: context.allowedSigners, localRoot: context.recordsRoot });
      await client.rest.pulls.merge({ ...ref, pull_number: pr.number, sha: pushed.commitSha, merge_method: 'merge' });
      published = `\n\n- rollback record \`records/${sealed.record}\` merged through ${pr.html_url}`;
    } catch (error) {
      const reason = scrubText((error as Error).message, context.secrets);
      context.log.error({ line, record: sealed.record, err: reason }, 'rollback record not published');
      published = `\n\n- the rollback record \`records/${sealed.record}\` is sealed on the goldsmith host but could not be published: ${reason}; the next promotion pull request carries it`;
    }
    await respond.react('rocket');
    await respond.reply(`**Rolled back** \`${line}\`: ${outcome.summary}${published}`);
  } finally {
    store.unlockLine(line, lock.token);
  }
}
