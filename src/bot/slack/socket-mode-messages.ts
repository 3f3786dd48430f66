import { z } from 'zod';

/**
 * Slack's Socket Mode wire format, read with zod: the answer of
 * `apps.connections.open`, and the JSON text frames on the WebSocket
 * (`hello`, `disconnect`, and the envelopes goldsmith acks by `envelope_id`).
 */

const debugInfo = z.object({ host: z.string().optional() }).loose().optional();

const hello = z.object({ type: z.literal('hello'), num_connections: z.number().int().optional(), debug_info: debugInfo }).loose();

const disconnect = z.object({ type: z.literal('disconnect'), reason: z.string().optional(), debug_info: debugInfo }).loose();

/** The envelope types goldsmith hands to Bolt; any other type is acked and ignored. */
export const ENVELOPE_TYPES = ['slash_commands', 'interactive', 'events_api'] as const;

const envelope = z
  .object({
    type: z.enum(ENVELOPE_TYPES),
    // Slack's are UUIDs; the bound keeps a hostile or broken peer from filling the seen-envelope table.
    envelope_id: z.string().min(1).max(200),
    payload: z.record(z.string(), z.unknown()),
    accepts_response_payload: z.boolean().optional(),
    retry_attempt: z.number().int().nonnegative().optional(),
    retry_reason: z.string().optional(),
  })
  .loose();

export type SocketEnvelope = z.infer<typeof envelope>;

/** One frame from Slack, as goldsmith understands it. */
export type SocketMessage =
  | { kind: 'hello'; connections: number | undefined; host: string | undefined }
  | { kind: 'disconnect'; reason: string; host: string | undefined }
  | { kind: 'envelope'; envelope: SocketEnvelope }
  /** Not understood; `envelopeId` when it still carries one, so it can be acked and Slack stops resending it. */
  | { kind: 'unreadable'; problem: string; envelopeId: string | undefined };

const describe = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join('.') || 'the message'}: ${issue.message}`).join('; ');

/**
 * Reads one WebSocket text frame from Slack.
 *
 * @example
 * parseSocketMessage('{"type":"hello","num_connections":1}') // { kind: 'hello', connections: 1, host: undefined }
 */
export function parseSocketMessage(text: string): SocketMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', problem: 'the frame is not JSON', envelopeId: undefined };
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (type === 'hello') {
    const parsed = hello.safeParse(json);
    if (parsed.success) return { kind: 'hello', connections: parsed.data.num_connections, host: parsed.data.debug_info?.host };
    return { kind: 'unreadable', problem: describe(parsed.error), envelopeId: undefined };
  }
  if (type === 'disconnect') {
    const parsed = disconnect.safeParse(json);
    if (parsed.success) return { kind: 'disconnect', reason: parsed.data.reason ?? 'unknown', host: parsed.data.debug_info?.host };
    return { kind: 'unreadable', problem: describe(parsed.error), envelopeId: undefined };
  }
  const parsed = envelope.safeParse(json);
  if (parsed.success) return { kind: 'envelope', envelope: parsed.data };
  const id = (json as { envelope_id?: unknown } | null)?.envelope_id;
  return { kind: 'unreadable', problem: describe(parsed.error), envelopeId: typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined };
}

const opened = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), url: z.string().refine((url) => /^wss?:\/\//.test(url), 'is not a ws:// or wss:// URL') }).loose(),
  z.object({ ok: z.literal(false), error: z.string().default('unknown_error') }).loose(),
]);

/** Errors of apps.connections.open that mean the token itself is wrong: retrying cannot help. */
const REFUSALS = new Set(['not_authed', 'invalid_auth', 'not_allowed_token_type', 'account_inactive', 'token_revoked', 'token_expired', 'missing_scope', 'no_permission', 'team_disabled', 'user_removed_from_team']);

/** The app token was refused: the message names SLACK_APP_TOKEN and the fix. */
export class RefusedAppTokenError extends Error {
  constructor(readonly code: string) {
    super(
      `Slack refused SLACK_APP_TOKEN (${code}): set it to an app-level token (xapp-…) with the connections:write scope, from your Slack app's "Basic Information" → "App-Level Tokens", ` +
        'and turn Socket Mode on under "Socket Mode" (docs/slack.md)',
    );
    this.name = 'RefusedAppTokenError';
  }
}

/**
 * Asks Slack for a fresh WebSocket URL (`apps.connections.open`, authorised
 * with the app-level token). The URL carries a one-time ticket: a caller
 * must never log it. Throws RefusedAppTokenError when Slack refuses the
 * token, and a plain Error (worth a retry) for anything else.
 *
 * @example
 * const url = await openSocketUrl({ apiUrl: 'https://slack.com/api/', appToken });
 */
export async function openSocketUrl(options: { apiUrl: string; appToken: string; timeoutMs?: number }): Promise<string> {
  let response: Response;
  try {
    response = await fetch(new URL('apps.connections.open', options.apiUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${options.appToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`apps.connections.open could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message}); check the network${options.apiUrl === 'https://slack.com/api/' ? '' : ` and SLACK_API_URL (${options.apiUrl})`}`);
  }
  const text = await response.text();
  if (response.status === 429) throw new Error(`apps.connections.open is rate limited (HTTP 429, retry after ${response.headers.get('retry-after') ?? '?'} s)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`apps.connections.open answered HTTP ${response.status} without JSON`);
  }
  const parsed = opened.safeParse(json);
  if (!parsed.success) throw new Error(`apps.connections.open answered something unexpected: ${describe(parsed.error)}`);
  if (parsed.data.ok) return parsed.data.url;
  if (REFUSALS.has(parsed.data.error)) throw new RefusedAppTokenError(parsed.data.error);
  throw new Error(`apps.connections.open failed: ${parsed.data.error}`);
}
