import type { Responder } from './create-responder.js';
import type { GitHubAppContext } from './github-app-context.js';

export interface Refusal {
  /** What was asked: `promote`, `reject`, `rollback`. */
  action: string;
  login: string;
  number: number;
  /** The reason, in the user's terms, naming what to do. */
  message: string;
}

/**
 * Says no: a thumbs-down on the comment, the reason as a reply, and the
 * refusal in the log and the job store's audit trail.
 *
 * @example
 * return refuse(context, respond, { action: 'promote', login: 'alice', number: 42, message: 'four eyes: …' });
 */
export async function refuse(context: GitHubAppContext, respond: Responder, refusal: Refusal): Promise<void> {
  context.log.warn({ action: refusal.action, user: refusal.login, pull_request: refusal.number, reason: refusal.message }, 'refused');
  context.jobs?.addEvent(null, 'refused', `github:${refusal.login} ${refusal.action} on #${refusal.number}: ${refusal.message}`);
  await respond.react('-1');
  await respond.reply(`**Refused** (${refusal.action}, @${refusal.login}): ${refusal.message}.`);
}
