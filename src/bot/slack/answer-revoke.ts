import type { RevokeCommand } from '../parse-revoke-command.js';
import { recordRefusal, type SlackBotContext } from './slack-bot-context.js';
import { escapeMrkdwn } from './slack-text.js';

/**
 * Runs `/image revoke|unrevoke <line> <record> <reason>` for a user who
 * holds the `revoke` permission: seals the revocation record and answers
 * with it; when the build is the line's live `<base>`, the channel is told
 * too (everyone using the template should know). Refusals (unknown record,
 * nothing to change) are kept in the audit trail like permission refusals.
 *
 * @example
 * await respond({ response_type: 'ephemeral', text: await answerRevoke(context, command, 'U123') });
 */
export async function answerRevoke(context: SlackBotContext, command: RevokeCommand, user: string): Promise<string> {
  const action = `${command.verb} ${command.line} ${command.record}`;
  let outcome;
  try {
    outcome = await context.revocations.revoke({ action: command.verb, line: command.line, selector: command.record, reason: command.reason, requestedBy: { source: 'slack', user } });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'usage' && code !== 'refused') throw error;
    recordRefusal(context, user, action, 'input', (error as Error).message);
    return `:no_entry: Not done: ${escapeMrkdwn((error as Error).message)}`;
  }
  const { details, written, live } = outcome;
  const build = `\`${escapeMrkdwn(details.build.record)}\``;
  const record = `\`${escapeMrkdwn(written!.record)}\``;
  context.store.addEvent(null, details.action, `slack:${user} ${details.build.record}: ${written!.record}`);
  context.logger.info({ user, line: details.line, build: details.build.record, record: written!.record }, details.action);
  const reason = escapeMrkdwn(details.reason);
  if (live && details.action === 'revoke' && context.channel) {
    const base = context.matrix.find((entry) => entry.key === details.line)?.base_name ?? details.line;
    await context.post({
      channel: context.channel,
      text:
        `:no_entry: <@${user}> revoked ${build}, the build of the live template \`${escapeMrkdwn(base)}\` of *${escapeMrkdwn(details.line)}*: ${reason}. ` +
        `Record ${record}. Build and promote a new one, or roll back (\`/image rollback ${escapeMrkdwn(details.line)}\`).`,
    });
  }
  return details.action === 'revoke'
    ? `:no_entry: Revoked ${build} of *${escapeMrkdwn(details.line)}*: it can no longer be promoted. Record ${record}.${live ? ' It is the live template: build and promote a new one, or roll back.' : ''}`
    : `:white_check_mark: Lifted the revocation of ${build} of *${escapeMrkdwn(details.line)}*: it may be promoted again. Record ${record}.`;
}
