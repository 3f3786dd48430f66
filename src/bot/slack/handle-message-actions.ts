import type { BlockAction, ButtonAction, RespondArguments, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseImageCommand } from '../parse-image-command.js';
import { recordRefusal, type SlackBotContext } from './slack-bot-context.js';
import { escapeMrkdwn } from './slack-text.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

const ephemeral = (text: string): RespondArguments => ({ response_type: 'ephemeral', replace_original: false, text });

/**
 * The button's value goes through the same grammar as typed text: a value is
 * only ever a job number or a matrix key, whoever crafted the payload.
 */
function parseJobButton(context: SlackBotContext, value: string | undefined): { job: number } | undefined {
  const parsed = parseImageCommand(`cancel ${value ?? ''}`, { matrix: context.matrix });
  return parsed.ok && parsed.command.verb === 'cancel' ? parsed.command : undefined;
}

function parseLineButton(context: SlackBotContext, value: string | undefined): { line: string } | undefined {
  const parsed = parseImageCommand(`rollback ${value ?? ''}`, { matrix: context.matrix });
  return parsed.ok && parsed.command.verb === 'rollback' ? parsed.command : undefined;
}

/**
 * The Cancel button of a running job's channel message. Acks at once; the
 * message itself changes when the queue reports the job stopping.
 *
 * @example
 * app.action(CANCEL_JOB_ACTION, handleCancelButton(context));
 */
export function handleCancelButton(context: SlackBotContext): (args: ButtonArgs) => Promise<void> {
  return async ({ ack, body, action, respond }) => {
    await ack();
    const user = body.user.id;
    const command = parseJobButton(context, action.value);
    if (!command) return void (await respond(ephemeral(':warning: That button does not name a job; use `/image cancel <job>`.')));
    const verdict = await context.authorizer.check('cancel', user);
    if (verdict !== true) {
      recordRefusal(context, user, `cancel job ${command.job}`, 'cancel', verdict);
      return void (await respond(ephemeral(`:no_entry: Not cancelled: ${verdict}`)));
    }
    const result = context.queue.cancel(command.job, { source: 'slack', user });
    context.logger.info({ user, job: command.job, ok: result.ok }, 'cancel button');
    await respond(ephemeral(result.ok ? `Stopping job ${command.job}; its message shows when it has stopped.` : `:no_entry: ${escapeMrkdwn(result.message)}.`));
  };
}

/**
 * "Roll back" on the confirmation of `/image rollback`: checks the permission
 * of whoever pressed it (not who typed the command), runs the rollback, and
 * replaces the prompt with the outcome, which the channel also sees.
 *
 * @example
 * app.action(ROLLBACK_CONFIRM_ACTION, handleRollbackConfirm(context));
 */
export function handleRollbackConfirm(context: SlackBotContext): (args: ButtonArgs) => Promise<void> {
  return async ({ ack, body, action, respond }) => {
    await ack();
    const user = body.user.id;
    const command = parseLineButton(context, action.value);
    if (!command) return void (await respond(ephemeral(':warning: That button does not name a line; use `/image rollback <line>`.')));
    const verdict = await context.authorizer.check('rollback', user);
    if (verdict !== true) {
      recordRefusal(context, user, `rollback ${command.line}`, 'rollback', verdict);
      return void (await respond({ replace_original: true, text: `:no_entry: Not rolled back: ${verdict}` }));
    }
    const line = escapeMrkdwn(command.line);
    await respond({ replace_original: true, text: `:rewind: Rolling back *${line}*…` });
    context.store.addEvent(null, 'rollback-requested', `slack:${user} ${command.line}`);
    try {
      const { summary } = await context.templates.rollback(command.line, { source: 'slack', user });
      context.store.addEvent(null, 'rollback', `slack:${user} ${command.line}: ${summary}`);
      context.logger.info({ user, line: command.line }, 'rolled back');
      await respond({ replace_original: true, text: `:rewind: Rolled back *${line}*: ${escapeMrkdwn(summary)}` });
      if (context.channel) await context.post({ channel: context.channel, text: `:rewind: <@${user}> rolled back *${line}*: ${escapeMrkdwn(summary)}` });
    } catch (error) {
      const message = (error as Error).message;
      context.store.addEvent(null, 'rollback-failed', `slack:${user} ${command.line}: ${message}`);
      context.logger.error({ user, line: command.line, err: error }, 'rollback failed');
      await respond({ replace_original: true, text: `:x: Rollback of *${line}* failed: ${escapeMrkdwn(message)}` });
    }
  };
}

/**
 * "Keep it" on the confirmation of `/image rollback`: nothing changes.
 *
 * @example
 * app.action(ROLLBACK_DISMISS_ACTION, handleRollbackDismiss(context));
 */
export function handleRollbackDismiss(context: SlackBotContext): (args: ButtonArgs) => Promise<void> {
  return async ({ ack, respond, action }) => {
    await ack();
    const line = parseLineButton(context, action.value)?.line;
    await respond({ replace_original: true, text: `Rollback of ${line ? `*${escapeMrkdwn(line)}*` : 'the line'} dismissed; nothing changed.` });
  };
}
