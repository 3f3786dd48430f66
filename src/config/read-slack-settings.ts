import { z } from 'zod';
import { SettingsError } from './settings-error.js';

/** The Slack secrets and endpoint `goldsmith serve` reads from the environment (never from the config file). */
export interface SlackSettings {
  signingSecret: string;
  token: string;
  /** The Web API base URL, ending in `/`; undefined for Slack itself. */
  apiUrl: string | undefined;
}

const FIX = {
  SLACK_SIGNING_SECRET:
    'copy "Signing Secret" from your Slack app\'s "Basic Information" page and export SLACK_SIGNING_SECRET=… before "goldsmith serve" (docs/slack.md)',
  SLACK_BOT_TOKEN: 'install the Slack app to your workspace, copy "Bot User OAuth Token" (xoxb-…) from "OAuth & Permissions" and export SLACK_BOT_TOKEN=… (docs/slack.md)',
};

const schema = z.object({
  SLACK_SIGNING_SECRET: z.string({ error: `SLACK_SIGNING_SECRET is not set: ${FIX.SLACK_SIGNING_SECRET}` }).trim().min(1, `SLACK_SIGNING_SECRET is empty: ${FIX.SLACK_SIGNING_SECRET}`),
  SLACK_BOT_TOKEN: z
    .string({ error: `SLACK_BOT_TOKEN is not set: ${FIX.SLACK_BOT_TOKEN}` })
    .trim()
    .min(1, `SLACK_BOT_TOKEN is empty: ${FIX.SLACK_BOT_TOKEN}`)
    .refine((token) => token.startsWith('xoxb-'), 'SLACK_BOT_TOKEN is not a bot token: use the "Bot User OAuth Token", which starts with xoxb-, not a user (xoxp-) or app-level (xapp-) token (docs/slack.md)'),
  SLACK_API_URL: z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx) => {
      if (!raw) return undefined;
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: `SLACK_API_URL "${raw}" is not a URL: unset it to talk to Slack, or give the Web API base such as http://127.0.0.1:8080/api/` });
        return z.NEVER;
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        ctx.addIssue({ code: 'custom', message: `SLACK_API_URL must be an http(s) URL, not ${parsed.protocol}; unset it to talk to Slack` });
        return z.NEVER;
      }
      return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
    }),
});

/**
 * Reads SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and SLACK_API_URL; a missing or
 * malformed one throws a SettingsError that names the variable and the fix
 * (never its value, but for the URL).
 *
 * @example
 * readSlackSettings({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' }) // { signingSecret: 's', token: 'xoxb-1', apiUrl: undefined }
 */
export function readSlackSettings(env: Readonly<Record<string, string>>): SlackSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new SettingsError(parsed.error.issues[0]!.message);
  return { signingSecret: parsed.data.SLACK_SIGNING_SECRET, token: parsed.data.SLACK_BOT_TOKEN, apiUrl: parsed.data.SLACK_API_URL };
}
