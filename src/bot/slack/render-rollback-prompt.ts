import type { MatrixEntry } from '../../config/matrix-schema.js';
import { escapeMrkdwn, type Block } from './slack-text.js';

export const ROLLBACK_CONFIRM_ACTION = 'goldsmith_rollback_confirm';
export const ROLLBACK_DISMISS_ACTION = 'goldsmith_rollback_dismiss';

/**
 * The ephemeral "are you sure" of `/image rollback <line>`: nothing changes
 * until the user presses "Roll back".
 *
 * @example
 * await ack({ response_type: 'ephemeral', ...renderRollbackPrompt(entry) });
 */
export function renderRollbackPrompt(entry: MatrixEntry): { text: string; blocks: Block[] } {
  const base = escapeMrkdwn(entry.base_name);
  const text = `Roll back ${entry.key}? ${entry.base_name}-prev becomes ${entry.base_name} again.`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Roll back *${escapeMrkdwn(entry.key)}*? \`${base}-prev\` becomes \`${base}\` again. The rollback is recorded like a promotion.`,
        },
      },
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: ROLLBACK_CONFIRM_ACTION, style: 'danger', text: { type: 'plain_text', text: 'Roll back' }, value: entry.key },
          { type: 'button', action_id: ROLLBACK_DISMISS_ACTION, text: { type: 'plain_text', text: 'Keep it' }, value: entry.key },
        ],
      },
    ],
  };
}
