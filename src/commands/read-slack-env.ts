import { UsageError } from './usage-error.js';

/** The Slack secrets and endpoint `goldsmith serve` reads from the environment (never from the config file). */
export interface SlackEnv {
  signingSecret: string;
  token: string;
  /** The Web API base URL, ending in `/`; undefined for Slack itself. */
  apiUrl: string | undefined;
}

/**
 * Reads SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and SLACK_API_URL; a missing or
 * malformed one is a start-up error that names the variable and the fix.
 *
 * @example
 * const slack = readSlackEnv(process.env); // throws: SLACK_SIGNING_SECRET is not set: …
 */
export function readSlackEnv(env: NodeJS.ProcessEnv): SlackEnv {
  const signingSecret = env.SLACK_SIGNING_SECRET?.trim();
  if (!signingSecret) {
    throw new UsageError(
      'SLACK_SIGNING_SECRET is not set: copy "Signing Secret" from your Slack app\'s "Basic Information" page and export SLACK_SIGNING_SECRET=… before "goldsmith serve" (docs/slack.md)',
    );
  }
  const token = env.SLACK_BOT_TOKEN?.trim();
  if (!token) {
    throw new UsageError('SLACK_BOT_TOKEN is not set: install the Slack app to your workspace, copy "Bot User OAuth Token" (xoxb-…) from "OAuth & Permissions" and export SLACK_BOT_TOKEN=… (docs/slack.md)');
  }
  if (!token.startsWith('xoxb-')) {
    throw new UsageError('SLACK_BOT_TOKEN is not a bot token: use the "Bot User OAuth Token", which starts with xoxb-, not a user (xoxp-) or app-level (xapp-) token (docs/slack.md)');
  }
  const rawUrl = env.SLACK_API_URL?.trim();
  let apiUrl: string | undefined;
  if (rawUrl) {
    let parsed: URL;
    try {
      parsed = new URL(rawUrl);
    } catch {
      throw new UsageError(`SLACK_API_URL "${rawUrl}" is not a URL: unset it to talk to Slack, or give the Web API base such as http://127.0.0.1:8080/api/`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UsageError(`SLACK_API_URL must be an http(s) URL, not ${parsed.protocol}; unset it to talk to Slack`);
    apiUrl = parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
  }
  return { signingSecret, token, apiUrl };
}
