import type { types } from '@slack/bolt';
import type { Requester } from '../../evidence/run-schema.js';

export type Block = types.KnownBlock;

/**
 * Escapes text for Slack mrkdwn: `&`, `<` and `>` are control characters
 * there (`<!channel>`, `<@U123>`, links), so log lines, reasons and anything
 * else we did not write ourselves go through this first.
 *
 * @example
 * escapeMrkdwn('<!channel> & co') // '&lt;!channel&gt; &amp; co'
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A preformatted block of text, escaped, cut from the front to `maxChars` (Slack allows 3000 per text object). */
export function codeBlock(text: string, maxChars = 2800): string {
  const escaped = escapeMrkdwn(text.replace(/```/g, "'''"));
  const cut = escaped.length > maxChars ? `…${escaped.slice(escaped.length - maxChars)}` : escaped;
  return `\`\`\`${cut}\`\`\``;
}

/** Who asked, as Slack shows it: a mention for Slack users, `source:user` otherwise. */
export function describeRequester(requester: Requester): string {
  return requester.source === 'slack' && /^[UW][A-Z0-9]+$/.test(requester.user) ? `<@${requester.user}>` : escapeMrkdwn(`${requester.user} (${requester.source})`);
}

/** A Slack user or user group id, as a mention. */
export function mentionId(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}

/** `2026-03-07 02:00 UTC`. */
export function formatUtc(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '-';
}
