import { IMAGE_COMMANDS } from '../parse-image-command.js';

/**
 * The answer to `/image help` (and to `/image` alone).
 *
 * @example
 * formatHelp('C0123') // the command list, one bullet per verb, with examples
 */
export function formatHelp(channel: string | undefined): string {
  return [
    '*/image* builds and follows VM golden images.',
    ...IMAGE_COMMANDS.map((command) => `• \`/image ${command.usage}\`: ${command.summary}. Example: \`/image ${command.example}\``),
    channel ? `Each build has one message in <#${channel}>, updated as it runs.` : '',
    'Anyone may read status; building, cancelling, rolling back and revoking need a permission (`slack.permissions` in goldsmith.yaml).',
  ]
    .filter(Boolean)
    .join('\n');
}
