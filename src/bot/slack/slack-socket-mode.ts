import WebSocket from 'ws';
import type { BotLogger } from './slack-bot-context.js';
import type { SendAck } from './handle-socket-envelope.js';
import { openSocketUrl, parseSocketMessage, RefusedAppTokenError, type SocketEnvelope, type SocketMessage } from './socket-mode-messages.js';

export interface SlackSocketModeOptions {
  /** SLACK_APP_TOKEN (xapp-…): sent only to apps.connections.open, never logged. */
  appToken: string;
  /** The Web API base, ending in `/`. */
  apiUrl: string;
  logger: BotLogger;
  /** Called once per envelope; `ack` answers on the socket that delivered it. */
  onEnvelope: (envelope: SocketEnvelope, ack: SendAck) => Promise<void>;
  /** Reconnect backoff after a lost connection: first delay, doubling to the cap (defaults 1 s and 2 min). */
  reconnectBaseMs?: number | undefined;
  reconnectMaxMs?: number | undefined;
  /** A ping this often; a socket that has been silent for three intervals is dropped (default 10 s). */
  pingIntervalMs?: number | undefined;
  /** How long a new socket may take to say hello (default 10 s). */
  helloTimeoutMs?: number | undefined;
  /** How long a socket Slack asked to refresh stays open for the acks of envelopes it already sent (default 10 s). */
  retireAfterMs?: number | undefined;
}

interface Link {
  id: number;
  socket: WebSocket;
  /** Slack asked for it to be replaced: its close is expected, and does not trigger a reconnect. */
  retiring: boolean;
  lastHeard: number;
}

/** Slack's largest envelopes are a few hundred kB; Bolt's HTTP body limit. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** Error text as it may be logged: the WebSocket URL's one-time ticket never is. */
const safeMessage = (error: unknown) => String((error as Error)?.message ?? error).replace(/ticket=[^&\s"']*/g, 'ticket=[REDACTED]');

/**
 * goldsmith's Socket Mode connection: asks `apps.connections.open` for a
 * WebSocket URL, connects, waits for `hello`, hands each envelope to
 * `onEnvelope`, and keeps a connection up. A `disconnect` from Slack
 * (`warning`, `refresh_requested`) opens the replacement at once and keeps
 * the old socket open a little longer for acks; `link_disabled` and a
 * dropped or silent socket reconnect with exponential backoff and jitter.
 * Every connect asks apps.connections.open again (a URL's ticket is single
 * use). Neither the token nor the URL is ever logged.
 *
 * @example
 * const socket = new SlackSocketMode({ appToken, apiUrl: 'https://slack.com/api/', logger, onEnvelope: handle });
 * await socket.start(); // rejects (RefusedAppTokenError) when Slack refuses the token
 * await socket.stop();
 */
export class SlackSocketMode {
  private readonly links = new Set<Link>();
  private serial = 0;
  private failures = 0;
  private connecting = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly keepalive: NodeJS.Timeout;

  constructor(private readonly options: SlackSocketModeOptions) {
    const every = options.pingIntervalMs ?? 10_000;
    this.keepalive = setInterval(() => this.checkLinks(every), every);
    this.keepalive.unref();
  }

  /**
   * Connects once. Rejects only when Slack refuses the app token; any other
   * failure is logged and retried in the background, so serve still starts.
   */
  async start(): Promise<void> {
    try {
      await this.connect('start');
    } catch (error) {
      if (error instanceof RefusedAppTokenError) {
        await this.stop();
        throw error;
      }
      this.options.logger.warn({ err: safeMessage(error) }, 'slack socket not connected yet; retrying in the background');
      this.retryLater('start failed');
    }
  }

  /** Closes every socket (no new envelopes) and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.keepalive);
    await Promise.all([...this.links].map((link) => this.close(link)));
  }

  /** Whether an open socket (not one being retired) is connected. */
  get connected(): boolean {
    return [...this.links].some((link) => !link.retiring && link.socket.readyState === WebSocket.OPEN);
  }

  private async connect(reason: string): Promise<void> {
    const url = await openSocketUrl({ apiUrl: this.options.apiUrl, appToken: this.options.appToken });
    if (this.stopped) return;
    const { link, hello } = await this.dial(url);
    this.failures = 0;
    if (this.stopped) return void (await this.close(link));
    this.options.logger.info({ connection: link.id, reason, connections: hello.connections, host: hello.host }, reason === 'start' ? 'slack socket connected' : 'slack socket reconnected');
  }

  /** Opens the WebSocket and resolves on Slack's `hello`; rejects if it closes, fails or stays silent first. */
  private dial(url: string): Promise<{ link: Link; hello: Extract<SocketMessage, { kind: 'hello' }> }> {
    const helloMs = this.options.helloTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: helloMs, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
      this.serial += 1;
      const link: Link = { id: this.serial, socket, retiring: false, lastHeard: Date.now() };
      let greeted = false;
      const fail = (error: Error) => {
        clearTimeout(helloTimer);
        if (!greeted) reject(error);
      };
      const helloTimer = setTimeout(() => {
        socket.terminate();
        fail(new Error(`Slack sent no hello within ${helloMs} ms`));
      }, helloMs);
      helloTimer.unref();
      const heard = () => {
        link.lastHeard = Date.now();
      };
      socket.on('ping', heard);
      socket.on('pong', heard);
      socket.on('message', (data, isBinary) => {
        heard();
        if (isBinary) return this.options.logger.warn({ connection: link.id }, 'binary frame from slack ignored');
        const message = parseSocketMessage((Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8'));
        if (!greeted && message.kind === 'hello') {
          greeted = true;
          clearTimeout(helloTimer);
          this.links.add(link);
          return resolve({ link, hello: message });
        }
        this.onMessage(link, message);
      });
      socket.on('error', (error) => {
        this.options.logger.warn({ connection: link.id, err: safeMessage(error) }, 'slack socket error');
        fail(new Error(`the WebSocket failed: ${safeMessage(error)}`));
      });
      socket.on('close', (code) => {
        fail(new Error(`the WebSocket closed (code ${code}) before Slack said hello`));
        if (greeted) this.onClose(link, code);
      });
    });
  }

  private onMessage(link: Link, message: SocketMessage): void {
    const { logger } = this.options;
    switch (message.kind) {
      case 'hello':
        return;
      case 'disconnect':
        return this.onDisconnect(link, message.reason);
      case 'unreadable':
        logger.warn({ connection: link.id, problem: message.problem, envelope_id: message.envelopeId }, 'slack socket message not understood; ignored');
        // Acked all the same, as HTTP answers an unreadable request: Slack would only send it again.
        if (message.envelopeId) void this.send(link, { envelope_id: message.envelopeId }).catch(() => undefined);
        return;
      case 'envelope': {
        const { envelope } = message;
        const ack: SendAck = (payload) => this.send(link, payload ? { envelope_id: envelope.envelope_id, payload } : { envelope_id: envelope.envelope_id });
        this.options.onEnvelope(envelope, ack).catch((error: Error) => logger.error({ connection: link.id, envelope_id: envelope.envelope_id, err: error.message }, 'slack envelope failed'));
        return;
      }
    }
  }

  private onDisconnect(link: Link, reason: string): void {
    if (link.retiring) return;
    link.retiring = true;
    if (reason === 'link_disabled') {
      this.options.logger.warn({ connection: link.id, reason }, 'Slack turned Socket Mode off for this app: turn it on under "Socket Mode" in the app\'s settings (or unset SLACK_APP_TOKEN); retrying with backoff');
      void this.close(link);
      return this.retryLater(reason);
    }
    // `warning` comes about ten seconds before Slack closes the socket, `refresh_requested` just before:
    // the replacement opens now, and the old socket stays for the acks of envelopes it already delivered.
    this.options.logger.info({ connection: link.id, reason }, 'slack asked for a new socket; reconnecting');
    setTimeout(() => void this.close(link), this.options.retireAfterMs ?? 10_000).unref();
    if (!this.connecting && !this.retryTimer) void this.reconnect(reason);
  }

  private onClose(link: Link, code: number): void {
    this.links.delete(link);
    if (this.stopped || link.retiring) return;
    this.options.logger.warn({ connection: link.id, code }, 'slack socket closed');
    if (!this.connected) this.retryLater('closed');
  }

  private async reconnect(reason: string): Promise<void> {
    this.connecting = true;
    try {
      await this.connect(reason);
      this.connecting = false;
    } catch (error) {
      this.connecting = false;
      if (error instanceof RefusedAppTokenError) this.options.logger.error({ err: error.message }, 'slack socket not reconnected');
      else this.options.logger.warn({ err: safeMessage(error) }, 'slack socket not reconnected');
      this.retryLater(reason);
    }
  }

  /** Reconnects after a delay: 1, 2, 4, … s (from reconnectBaseMs) to the cap, each with up to half of it as jitter. */
  private retryLater(reason: string): void {
    if (this.stopped || this.retryTimer || this.connecting) return;
    const base = this.options.reconnectBaseMs ?? 1_000;
    const ceiling = Math.min(this.options.reconnectMaxMs ?? 120_000, base * 2 ** Math.min(this.failures, 20));
    const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.failures += 1;
    this.options.logger.info({ reason, attempt: this.failures, in_ms: delayMs }, 'slack socket reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.reconnect(reason);
    }, delayMs);
  }

  /** Pings every open socket; drops one that has been silent for three intervals (a half-open TCP connection never closes by itself). */
  private checkLinks(every: number): void {
    for (const link of this.links) {
      if (link.socket.readyState !== WebSocket.OPEN) continue;
      if (Date.now() - link.lastHeard > 3 * every) {
        this.options.logger.warn({ connection: link.id, silent_ms: Date.now() - link.lastHeard }, 'slack socket silent; dropping it');
        link.socket.terminate();
        continue;
      }
      link.socket.ping();
    }
  }

  private send(link: Link, message: Record<string, unknown>): Promise<void> {
    if (link.socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('the socket that delivered this envelope has closed; Slack sends it again on another'));
    return new Promise((resolve, reject) => link.socket.send(JSON.stringify(message), (error) => (error ? reject(error) : resolve())));
  }

  /** Closes one socket politely; one that does not finish the close handshake within a second is cut. */
  private close(link: Link): Promise<void> {
    link.retiring = true;
    const { socket } = link;
    if (socket.readyState === WebSocket.CLOSED) {
      this.links.delete(link);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const cut = setTimeout(() => socket.terminate(), 1_000);
      socket.once('close', () => {
        clearTimeout(cut);
        this.links.delete(link);
        resolve();
      });
      socket.close(1000);
    });
  }
}
