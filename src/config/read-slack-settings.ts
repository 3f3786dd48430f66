import { z } from 'zod';
import { SettingsError } from './settings-error.js';

/** The Slack secrets and endpoint `goldsmith serve` reads from the environment (never from the config file). */
export interface SlackSettings {
  /** SLACK_SIGNING_SECRET; undefined only when `appToken` is set, and then /slack/events is off (Socket Mode only). */
  signingSecret: string | undefined;
  token: string;
  /** SLACK_APP_TOKEN (xapp-…): when set, serve also takes Slack's requests over Socket Mode. */
  appToken: string | undefined;
  /** The Web API base URL, ending in `/`; undefined for Slack itself. */
  apiUrl: string | undefined;
}

const FIX = {
  SLACK_SIGNING_SECRET:
    'copy "Signing Secret" from your Slack app\'s "Basic Information" page and export SLACK_SIGNING_SECRET=… before "goldsmith serve" (docs/slack.md)',
  SLACK_BOT_TOKEN: 'install the Slack app to your workspace, copy "Bot User OAuth Token" (xoxb-…) from "OAuth & Permissions" and export SLACK_BOT_TOKEN=… (docs/slack.md)',
  SLACK_APP_TOKEN:
    'create one under "Basic Information" → "App-Level Tokens" with the connections:write scope and export SLACK_APP_TOKEN=xapp-…, or unset SLACK_APP_TOKEN to take Slack requests over HTTP only (docs/slack.md)',
};

// Checked first, so that with nothing set the error names the signing secret, as it always has.
const transport = z
  .object({
    SLACK_SIGNING_SECRET: z.string().trim().min(1, `SLACK_SIGNING_SECRET is empty: ${FIX.SLACK_SIGNING_SECRET}`).optional(),
    SLACK_APP_TOKEN: z
      .string()
      .trim()
      .min(1, `SLACK_APP_TOKEN is empty: ${FIX.SLACK_APP_TOKEN}`)
      .refine((token) => token.startsWith('xapp-'), `SLACK_APP_TOKEN is not an app-level token (those start with xapp-, not xoxb- or xoxp-): ${FIX.SLACK_APP_TOKEN}`)
      .optional(),
  })
  // Socket Mode envelopes are not signed (the app token authenticates the connection), so the signing
  // secret is needed only when Slack may post to /slack/events, which is every setup without SLACK_APP_TOKEN.
  .refine((env) => env.SLACK_SIGNING_SECRET !== undefined || env.SLACK_APP_TOKEN !== undefined, {
    message: `SLACK_SIGNING_SECRET is not set: ${FIX.SLACK_SIGNING_SECRET}; or, to take Slack requests over Socket Mode with no public URL, set SLACK_APP_TOKEN instead`,
  });

const schema = z.object({
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
 * Reads SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_APP_TOKEN and
 * SLACK_API_URL; a missing or malformed one throws a SettingsError that names
 * the variable and the fix (never its value, but for the URL). The signing
 * secret may be left unset only when the app token is set (Socket Mode only).
 *
 * @example
 * readSlackSettings({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' }) // { signingSecret: 's', token: 'xoxb-1', appToken: undefined, apiUrl: undefined }
 * readSlackSettings({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1' })  // { signingSecret: undefined, token: 'xoxb-1', appToken: 'xapp-1', apiUrl: undefined }
 */
export function readSlackSettings(env: Readonly<Record<string, string>>): SlackSettings {
  const secrets = transport.safeParse(env);
  if (!secrets.success) throw new SettingsError(secrets.error.issues[0]!.message);
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new SettingsError(parsed.error.issues[0]!.message);
  return { signingSecret: secrets.data.SLACK_SIGNING_SECRET, token: parsed.data.SLACK_BOT_TOKEN, appToken: secrets.data.SLACK_APP_TOKEN, apiUrl: parsed.data.SLACK_API_URL };
}

/** The bot token and API base a one-off notice needs (no signing secret, no app token). */
export interface SlackBotSettings {
  token: string;
  apiUrl: string | undefined;
}

/**
 * Reads SLACK_BOT_TOKEN and SLACK_API_URL only, for commands that post a
 * notice and take no Slack requests (`goldsmith iso check`); undefined when
 * SLACK_BOT_TOKEN is unset, a SettingsError naming the variable when malformed.
 *
 * @example
 * readSlackBotSettings({ SLACK_BOT_TOKEN: 'xoxb-1' }) // { token: 'xoxb-1', apiUrl: undefined }
 */
export function readSlackBotSettings(env: Readonly<Record<string, string>>): SlackBotSettings | undefined {
  if (!env.SLACK_BOT_TOKEN) return undefined;
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new SettingsError(parsed.error.issues[0]!.message);
  return { token: parsed.data.SLACK_BOT_TOKEN, apiUrl: parsed.data.SLACK_API_URL };
}
