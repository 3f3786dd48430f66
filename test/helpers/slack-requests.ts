import { createHmac, randomBytes } from 'node:crypto';

/**
 * Requests as Slack sends them to a Request URL: form-encoded slash commands
 * and `payload=` interactivity, signed with `v0=` HMAC-SHA256 over
 * `v0:{timestamp}:{body}`.
 */

/** The two headers of a signed Slack request. */
export function signSlackBody(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) };
}

/**
 * A fresh trigger_id, shaped like Slack's: Slack gives every command and
 * button press its own, so no two requests it sends have the same bytes
 * (goldsmith refuses a second copy of a signed request as a replay).
 */
export function newTriggerId(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(5).readUIntBE(0, 5)}.${randomBytes(16).toString('hex')}`;
}

export interface SlashCommandFields {
  text: string;
  user_id: string;
  response_url: string;
  channel_id?: string;
  command?: string;
  trigger_id?: string;
}

/** The body of a `/image` invocation. */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0GOLDSMITH',
    team_domain: 'goldsmith-test',
    channel_id: fields.channel_id ?? 'C0BUILDS',
    channel_name: 'builds',
    user_id: fields.user_id,
    user_name: fields.user_id.toLowerCase(),
    command: fields.command ?? '/image',
    text: fields.text,
    api_app_id: 'A0GOLDSMITH',
    is_enterprise_install: 'false',
    response_url: fields.response_url,
    trigger_id: fields.trigger_id ?? newTriggerId(),
  }).toString();
}

/** The body of a button press on a message (block_actions). */
export function buttonPressBody(fields: { user_id: string; action_id: string; value: string; response_url: string; channel_id?: string; message_ts?: string }): string {
  const channel = fields.channel_id ?? 'C0BUILDS';
  const payload = {
    type: 'block_actions',
    user: { id: fields.user_id, username: fields.user_id.toLowerCase(), name: fields.user_id.toLowerCase(), team_id: 'T0GOLDSMITH' },
    api_app_id: 'A0GOLDSMITH',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: fields.message_ts ?? '1700000000.000100', channel_id: channel, is_ephemeral: false },
    trigger_id: newTriggerId(),
    team: { id: 'T0GOLDSMITH', domain: 'goldsmith-test' },
    is_enterprise_install: false,
    channel: { id: channel, name: 'builds' },
    message: { type: 'message', ts: fields.message_ts ?? '1700000000.000100', text: '' },
    response_url: fields.response_url,
    actions: [{ action_id: fields.action_id, block_id: 'b1', text: { type: 'plain_text', text: 'button' }, value: fields.value, type: 'button', action_ts: String(Date.now() / 1000) }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface SlackPostResult {
  status: number;
  text: string;
  /** The body as JSON, when it is JSON. */
  json: { response_type?: string; text?: string; blocks?: unknown[] } | undefined;
  ms: number;
  /** Sends the very same bytes and headers again (a replay), to `url` or to the same URL. */
  resend: (url?: string) => Promise<SlackPostResult>;
}

/**
 * POSTs `body` to `url` signed with `secret` (or with the given headers, to test refusals).
 *
 * @example
 * const answer = await postSlack(`${serve.url}/slack/events`, slashCommandBody({ text: 'help', user_id: 'U1', response_url }), { secret });
 */
export async function postSlack(url: string, body: string, options: { secret: string; timestamp?: number; headers?: Record<string, string> }): Promise<SlackPostResult> {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', ...signSlackBody(options.secret, body, options.timestamp), ...options.headers };
  const send = async (target: string): Promise<SlackPostResult> => {
    const started = performance.now();
    const response = await fetch(target, { method: 'POST', headers, body });
    const text = await response.text();
    let json: SlackPostResult['json'];
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json, ms: performance.now() - started, resend: (again) => send(again ?? target) };
  };
  return send(url);
}
