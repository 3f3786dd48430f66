import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { buttonPressBody, slashCommandBody, type SlashCommandFields } from '../helpers/slack-requests.js';

/**
 * A fake of Slack's Socket Mode, on 127.0.0.1, speaking its wire protocol:
 *
 * - `apps.connections.open`, mounted on FakeSlackApi through its `methods`
 *   option: the app token in `Authorization: Bearer` (else `not_authed`,
 *   `not_allowed_token_type` for a non-xapp token, `invalid_auth` for
 *   another one), answering `{ ok: true, url: "ws://127.0.0.1:PORT/link/?ticket=…" }`;
 * - the WebSocket at that URL (a ticket opens one connection, once; anything
 *   else is refused with 401), which says `hello` first;
 * - envelopes `{ envelope_id, type, payload, accepts_response_payload,
 *   retry_attempt, retry_reason }` sent to the newest connection, and the
 *   app's acks `{ envelope_id, payload? }`;
 * - `{ type: 'disconnect', reason }`, after which it closes that connection
 *   as Slack does; and abrupt drops.
 *
 * @example
 * const socket = await FakeSocketMode.start({ appToken: 'xapp-1-test' });
 * const slack = await FakeSlackApi.start({ token: 'xoxb-test', methods: socket.methods });
 * // serve with SLACK_APP_TOKEN=xapp-1-test SLACK_API_URL=slack.apiUrl, then:
 * const { ack } = await socket.deliver(FakeSocketMode.slashCommand({ text: 'help', user_id: 'U1', response_url: slack.responseUrl() }));
 */

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketEnvelopeInput {
  type: EnvelopeType;
  payload: Record<string, unknown>;
  /** Default: a fresh UUID; give one to send the same envelope again. */
  envelope_id?: string;
  accepts_response_payload?: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
  /** The connection it came on. */
  connection: number;
  at: number;
}

export interface FakeConnection {
  id: number;
  socket: WebSocket;
  openedAt: number;
  closedAt?: number;
}

export interface Delivered {
  envelopeId: string;
  ack: SocketAck;
  /** From sending the envelope to its ack. */
  ms: number;
}

export class FakeSocketMode {
  readonly connections: FakeConnection[] = [];
  readonly acks: SocketAck[] = [];
  /** Every apps.connections.open, with what it answered. */
  readonly opens: Array<{ ok: boolean; error?: string; at: number }> = [];
  /** Every ticket issued, used or not (none may reach a log). */
  readonly tickets: string[] = [];
  private readonly unused = new Set<string>();
  private failing: string | undefined;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    private readonly port: number,
    private readonly appToken: string,
  ) {}

  static async start(options: { appToken: string }): Promise<FakeSocketMode> {
    const server = createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    const wss = new WebSocketServer({ noServer: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeSocketMode(server, wss, (server.address() as AddressInfo).port, options.appToken);
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/link/' || !fake.unused.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => fake.accept(ws));
    });
    return fake;
  }

  /** For FakeSlackApi's `methods` option. */
  get methods(): Record<string, (token: string | undefined) => { ok: boolean; error?: string; [key: string]: unknown }> {
    return { 'apps.connections.open': (token) => this.open(token) };
  }

  /** Connections still open, oldest first. */
  openConnections(): FakeConnection[] {
    return this.connections.filter((connection) => connection.socket.readyState === WebSocket.OPEN);
  }

  /** `/image <text>` as Slack sends it over Socket Mode (the same fields as the HTTP form). */
  static slashCommand(fields: SlashCommandFields): SocketEnvelopeInput {
    return { type: 'slash_commands', payload: Object.fromEntries(new URLSearchParams(slashCommandBody(fields))), accepts_response_payload: true };
  }

  /** A button press (block_actions) as Slack sends it over Socket Mode. */
  static buttonPress(fields: Parameters<typeof buttonPressBody>[0]): SocketEnvelopeInput {
    const payload = JSON.parse(new URLSearchParams(buttonPressBody(fields)).get('payload')!) as Record<string, unknown>;
    return { type: 'interactive', payload, accepts_response_payload: false };
  }

  /**
   * Sends an envelope on the newest open connection and resolves with its
   * ack; rejects when none comes within `timeoutMs` (Slack's 3 s by default).
   */
  async deliver(input: SocketEnvelopeInput, timeoutMs = 3_000): Promise<Delivered> {
    const connection = this.openConnections().at(-1);
    if (!connection) throw new Error('no open Socket Mode connection to deliver to');
    const envelopeId = input.envelope_id ?? randomUUID();
    const sentAt = Date.now();
    const seen = this.acks.length;
    connection.socket.send(JSON.stringify({ accepts_response_payload: false, ...input, envelope_id: envelopeId }));
    const deadline = sentAt + timeoutMs;
    for (;;) {
      const ack = this.acks.slice(seen).find((candidate) => candidate.envelope_id === envelopeId);
      if (ack) return { envelopeId, ack, ms: ack.at - sentAt };
      if (Date.now() > deadline) throw new Error(`envelope ${envelopeId} (${input.type}) was not acked within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Tells the newest connection to go (`refresh_requested`, `warning`, `link_disabled`), and closes it `closeAfterMs` later, as Slack does. */
  disconnect(reason: string, closeAfterMs = 500): FakeConnection {
    const connection = this.openConnections().at(-1);
    if (!connection) throw new Error('no open Socket Mode connection to disconnect');
    connection.socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: `applink-fake-${connection.id}` } }));
    setTimeout(() => connection.socket.close(1000), closeAfterMs).unref();
    return connection;
  }

  /**
   * Makes apps.connections.open answer `{ ok: false, error }` until called
   * with undefined: Slack's answer while it will not hand out a socket.
   */
  failOpens(error: string | undefined): void {
    this.failing = error;
  }

  /** Cuts the newest connection with no close frame, as a lost network would. */
  drop(): FakeConnection {
    const connection = this.openConnections().at(-1);
    if (!connection) throw new Error('no open Socket Mode connection to drop');
    connection.socket.terminate();
    return connection;
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private open(token: string | undefined): { ok: boolean; error?: string; url?: string } {
    const refusal = !token ? 'not_authed' : !token.startsWith('xapp-') ? 'not_allowed_token_type' : token !== this.appToken ? 'invalid_auth' : this.failing;
    this.opens.push({ ok: !refusal, ...(refusal ? { error: refusal } : {}), at: Date.now() });
    if (refusal) return { ok: false, error: refusal };
    const ticket = randomUUID();
    this.tickets.push(ticket);
    this.unused.add(ticket);
    return { ok: true, url: `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}&app_id=A0GOLDSMITH` };
  }

  private accept(socket: WebSocket): void {
    const connection: FakeConnection = { id: this.connections.length + 1, socket, openedAt: Date.now() };
    this.connections.push(connection);
    socket.on('close', () => {
      connection.closedAt = Date.now();
    });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id?: unknown; payload?: Record<string, unknown> };
      if (typeof message.envelope_id !== 'string') return;
      this.acks.push({ envelope_id: message.envelope_id, ...(message.payload ? { payload: message.payload } : {}), connection: connection.id, at: Date.now() });
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.openConnections().length,
        debug_info: { host: `applink-fake-${connection.id}`, build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0GOLDSMITH' },
      }),
    );
  }
}
