import { webApi } from '@slack/bolt';
import type { SlackBotSettings } from '../../config/read-slack-settings.js';

/**
 * Posts one plain-text notice to a channel through Slack's Web API
 * (chat.postMessage, the client Bolt uses), links not unfurled.
 *
 * @example
 * await postSlackNotice(settings.slackBot()!, 'C0123456', 'ubuntu-24.04: ubuntu-24.04.4 is out; pull request #12');
 */
export async function postSlackNotice(slack: SlackBotSettings, channel: string, text: string): Promise<void> {
  const client = new webApi.WebClient(slack.token, { ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}), retryConfig: { retries: 2 } });
  await client.chat.postMessage({ channel, text, unfurl_links: false });
}
