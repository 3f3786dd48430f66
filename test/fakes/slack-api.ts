import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of Slack's Web API and of response_url endpoints, on 127.0.0.1.
 * It speaks Slack's wire format: POST /api/<method> with a form-encoded or
 * JSON body and the token in `Authorization: Bearer` (or a `token` field);
 * HTTP 200 with `{ ok: true, ... }` or `{ ok: false, error }`; HTTP 429 with
 * Retry-After and `{ ok: false, error: 'ratelimited' }` when a configured
 * rate is exceeded. It records every call, and keeps the channel messages as
 * Slack would show them (chat.update replaces one in place).
 *
 * Methods: auth.test, chat.postMessage, chat.update, usergroups.users.list,
 * and any given in `methods` (apps.connections.open, from the Socket Mode
 * fake). Anything else answers `unknown_method`, as Slack does.
 */

export interface SlackCall {
  method: string;
  /** The decoded arguments; `blocks` (sent as a JSON string in forms) is parsed. */
  args: Record<string, unknown>;
  /** What the fake answered: `ok`, and `error` when not ok. */
  ok: boolean;
  error?: string;
  status: number;
  /** When the request arrived (ms since the epoch). */
  at: number;
}

export interface ResponseUrlPost {
  /** The id in the URL (`/response/<id>`). */
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface ChannelMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  /** Every version of the message, oldest first (postMessage, then each chat.update). */
  history: Array<{ text: string; blocks: unknown[]; at: number }>;
}

export interface FakeSlackOptions {
  /** The bot token calls must carry. */
  token: string;
  /** usergroups.users.list answers: group id → member ids. */
  usergroups?: Record<string, string[]>;
  /** Least ms between two calls of a method to the same channel; a faster call gets 429 (Slack's per-channel limits). */
  minIntervalMs?: Partial<Record<'chat.postMessage' | 'chat.update', number>>;
  /** Seconds in Retry-After of a 429 (default 1). */
  retryAfterSeconds?: number;
  /** More methods, each checking its own token (apps.connections.open takes the app token, not the bot token). */
  methods?: Record<string, (token: string | undefined) => { ok: boolean; error?: string; [key: string]: unknown }>;
}

const BOT = { team: 'Goldsmith Test', team_id: 'T0GOLDSMITH', user: 'goldsmith', user_id: 'U0GOLDBOT', bot_id: 'B0GOLDBOT' };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function decodeArgs(req: IncomingMessage, text: string): Record<string, unknown> {
  const type = req.headers['content-type'] ?? '';
  const args: Record<string, unknown> = type.includes('application/json') ? (text ? (JSON.parse(text) as Record<string, unknown>) : {}) : Object.fromEntries(new URLSearchParams(text));
  for (const key of ['blocks', 'attachments']) {
    if (typeof args[key] === 'string') args[key] = JSON.parse(args[key] as string);
  }
  return args;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * @example
 * const slack = await FakeSlackApi.start({ token: 'xoxb-test', usergroups: { S0OPS: ['U0LEAD'] } });
 * // SLACK_API_URL=slack.apiUrl; then:
 * const message = await slack.waitFor(() => slack.messagesIn('C0BUILDS').find((m) => m.text.includes('built')));
 * await slack.close();
 */
export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  private readonly messages = new Map<string, ChannelMessage>();
  private readonly lastCall = new Map<string, number>();
  private sequence = 0;
  private responseIds = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeSlackOptions,
  ) {}

  static async start(options: FakeSlackOptions): Promise<FakeSlackApi> {
    let fake: FakeSlackApi | undefined;
    const server = createServer((req, res) => {
      fake!.handle(req, res).catch((error: Error) => send(res, 500, { ok: false, error: error.message }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeSlackApi(server, `http://127.0.0.1:${port}`, options);
    return fake;
  }

  /** The Web API base, for SLACK_API_URL or WebClient's `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A fresh response_url, as Slack puts in each command and action payload. */
  responseUrl(): string {
    this.responseIds += 1;
    return `${this.url}/response/${this.responseIds}`;
  }

  /** What was posted to one response_url, oldest first. */
  responsesTo(url: string): ResponseUrlPost[] {
    const id = url.split('/').pop();
    return this.responses.filter((post) => post.id === id);
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  messagesIn(channel: string): ChannelMessage[] {
    return [...this.messages.values()].filter((message) => message.channel === channel);
  }

  /** Polls `probe` until it returns something truthy; rejects after `timeoutMs` with `what`. */
  async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 20_000, what = 'the expected Slack calls'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; calls so far: ${this.calls.map((call) => call.method).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const text = await readBody(req);
    if (req.method === 'POST' && path.startsWith('/response/')) {
      this.responses.push({ id: path.slice('/response/'.length), body: JSON.parse(text) as Record<string, unknown>, at: Date.now() });
      return send(res, 200, { ok: true });
    }
    if (req.method !== 'POST' || !path.startsWith('/api/')) return send(res, 404, { ok: false, error: 'not_found' });
    const method = path.slice('/api/'.length);
    const args = decodeArgs(req, text);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    const record = (status: number, body: { ok: boolean; error?: string; [key: string]: unknown }, headers?: Record<string, string>) => {
      this.calls.push({ method, args, ok: body.ok, ...(body.error ? { error: body.error } : {}), status, at: receivedAt });
      send(res, status, body, headers);
    };
    const extra = this.options.methods?.[method];
    if (extra) return record(200, extra(token));
    if (!token) return record(200, { ok: false, error: 'not_authed' });
    if (token !== this.options.token) return record(200, { ok: false, error: 'invalid_auth' });

    const limit = this.options.minIntervalMs?.[method as 'chat.update'];
    if (limit !== undefined) {
      const key = `${method} ${String(args.channel)}`;
      const last = this.lastCall.get(key);
      const now = receivedAt;
      if (last !== undefined && now - last < limit) {
        return record(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(this.options.retryAfterSeconds ?? 1) });
      }
      this.lastCall.set(key, now);
    }

    switch (method) {
      case 'auth.test':
        return record(200, { ok: true, url: 'https://goldsmith-test.slack.com/', ...BOT, is_enterprise_install: false });
      case 'chat.postMessage': {
        const channel = String(args.channel ?? '');
        if (!/^[CGD][A-Z0-9]+$/.test(channel)) return record(200, { ok: false, error: 'channel_not_found' });
        if (!args.text && !args.blocks) return record(200, { ok: false, error: 'no_text' });
        this.sequence += 1;
        const ts = `${Math.floor(Date.now() / 1000)}.${String(this.sequence).padStart(6, '0')}`;
        const message: ChannelMessage = { channel, ts, text: String(args.text ?? ''), blocks: (args.blocks as unknown[]) ?? [], history: [] };
        message.history.push({ text: message.text, blocks: message.blocks, at: Date.now() });
        this.messages.set(`${channel} ${ts}`, message);
        return record(200, { ok: true, channel, ts, message: { type: 'message', text: message.text, user: BOT.user_id, bot_id: BOT.bot_id, ts, blocks: message.blocks } });
      }
      case 'chat.update': {
        const channel = String(args.channel ?? '');
        const ts = String(args.ts ?? '');
        const message = this.messages.get(`${channel} ${ts}`);
        if (!message) return record(200, { ok: false, error: 'message_not_found' });
        message.text = String(args.text ?? message.text);
        message.blocks = (args.blocks as unknown[]) ?? message.blocks;
        message.history.push({ text: message.text, blocks: message.blocks, at: Date.now() });
        return record(200, { ok: true, channel, ts, text: message.text, message: { type: 'message', text: message.text, user: BOT.user_id, bot_id: BOT.bot_id, blocks: message.blocks } });
      }
      case 'usergroups.users.list': {
        const members = this.options.usergroups?.[String(args.usergroup)];
        return members ? record(200, { ok: true, users: members }) : record(200, { ok: false, error: 'no_such_subteam' });
      }
      default:
        return record(200, { ok: false, error: 'unknown_method' });
    }
  }
}
