import type { RequestListener } from 'node:http';
import { App, HTTPReceiver, type Receiver } from '@slack/bolt';
import type { MatrixEntry } from '../../config/matrix-schema.js';
import type { Config } from '../../config/config-schema.js';
import { EventBatcher } from '../../pipeline/event-batcher.js';
import type { Job } from '../../pipeline/job-types.js';
import { scrubValue } from '../../pipeline/scrub-text.js';
import { boltLogger } from './bolt-logger.js';
import { guardSlackRequests } from './guard-slack-requests.js';
import { handleImageCommand } from './handle-image-command.js';
import { handleSocketEnvelope } from './handle-socket-envelope.js';
import { handleCancelButton, handleRollbackConfirm, handleRollbackDismiss } from './handle-message-actions.js';
import { ProgressMessages } from './progress-messages.js';
import { RecentJobs } from './recent-jobs.js';
import { SeenSlackRequests } from './seen-slack-requests.js';
import { SeenSocketEnvelopes } from './seen-socket-envelopes.js';
import { CANCEL_JOB_ACTION, renderJobMessage } from './render-job-message.js';
import { ROLLBACK_CONFIRM_ACTION, ROLLBACK_DISMISS_ACTION } from './render-rollback-prompt.js';
import { SlackAuthorizer } from './slack-authorizer.js';
import type { SlackBotContext } from './slack-bot-context.js';
import { SlackMessageStore } from './slack-message-store.js';
import { SlackSocketMode, type SlackSocketModeOptions } from './slack-socket-mode.js';
import { SLACK_REQUEST_WINDOW_SECONDS } from './verify-slack-signature.js';

/** Where Slack sends slash commands, interactivity and events: one Request URL for all three. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Slack resends an unacked envelope for minutes (events: after 1 and 5 minutes); an hour of ids covers every copy. */
const SEEN_ENVELOPE_SECONDS = 3600;

export interface SlackBotOptions extends Omit<SlackBotContext, 'authorizer' | 'post' | 'channel' | 'overview' | 'laterEvents'> {
  /** SLACK_SIGNING_SECRET: every request's signature is checked with it. Undefined: /slack/events is off (Socket Mode only). */
  signingSecret: string | undefined;
  /** SLACK_BOT_TOKEN (xoxb-…). */
  token: string;
  /** SLACK_APP_TOKEN (xapp-…): when set, Slack's requests also come over Socket Mode, to the same listeners. */
  appToken?: string | undefined;
  /** Socket Mode timings (tests shorten them). */
  socketMode?: Pick<SlackSocketModeOptions, 'reconnectBaseMs' | 'reconnectMaxMs' | 'pingIntervalMs' | 'helloTimeoutMs' | 'retireAfterMs'>;
  /** How long each Socket Mode envelope took to be acked, in seconds (HTTP acks are timed by the server). */
  observeSocketAck?: (seconds: number) => void;
  /** The Web API base, `https://slack.com/api/` unless SLACK_API_URL says otherwise. */
  apiUrl?: string | undefined;
  /** Web API retries on network errors and 5xx (default 2; tests use 0). */
  retries?: number;
  slack: Config['slack'];
  /** The job store's SQLite file, where each job's message ts and the signatures of accepted requests are kept. */
  databasePath: string;
  progress?: { jobIntervalMs?: number; channelIntervalMs?: number; tickMs?: number };
  /** Every credential goldsmith holds: scrubbed from each reply and message before it leaves (with secrets by shape). */
  secrets?: readonly string[];
}

/** The running Slack bot, as serve wires it. */
export interface SlackBot {
  /**
   * Handles POST /slack/events (signature, timestamp window, replay and form
   * checked first); throws for any other path so the server can answer 404.
   * Without a signing secret it answers 404 saying why (Socket Mode only).
   */
  requestListener: RequestListener;
  /** Which ways Slack's requests arrive: HTTP (/slack/events) and/or Socket Mode. */
  transports: { http: boolean; socketMode: boolean };
  /** The Socket Mode connection for /healthz: `off` without an app token, `reconnecting` while no socket is open. */
  socketState(): 'off' | 'connected' | 'reconnecting';
  /**
   * Checks the token with auth.test, reads the permission groups, then opens
   * the Socket Mode connection when there is an app token; rejects with a
   * message that names the variable and the fix.
   */
  start(): Promise<void>;
  /** Closes the Socket Mode connection, so no new request arrives that way (HTTP closes with the server). */
  disconnect(): Promise<void>;
  /** A job changed: update its channel message (coalesced). */
  notice(job: Job, lastLine?: string): void;
  /** A running job printed a line (scrubbed): its message shows the newest at its next update. */
  noticeLine(jobId: number, line: string): void;
  /** Re-render a job's message (its promotion pull request has opened). */
  refreshJob(jobId: number): void;
  /**
   * Replies in the thread of a job's channel message (the PR opened, the
   * build was promoted or rejected), and re-renders the message. Does
   * nothing when the job has no message.
   */
  postInJobThread(jobId: number, text: string): Promise<void>;
  /** Disconnects, sends the last updates and closes the message store and the replay tables. */
  stop(): Promise<void>;
}

/** Stands in for the HTTPReceiver when there is no signing secret: Bolt is then reached only through processEvent. */
const socketOnlyReceiver: Receiver = { init: () => undefined, start: async () => undefined, stop: async () => undefined };

/** /slack/events without a signing secret: nothing can be verified, so nothing is read. */
function httpOff(path: string): RequestListener {
  return (req, res) => {
    const asked = new URL(req.url ?? '/', 'http://localhost').pathname === path;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      asked
        ? `goldsmith takes Slack requests over Socket Mode only: SLACK_SIGNING_SECRET is not set, so ${path} is off. To take them over HTTP as well, set SLACK_SIGNING_SECRET (docs/slack.md)\n`
        : 'not found\n',
    );
  };
}

function describeStartError(error: unknown, apiUrl: string | undefined): Error {
  const code = (error as { data?: { error?: string } }).data?.error;
  if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
    return new Error(`Slack refused SLACK_BOT_TOKEN (${code}): set it to the app's Bot User OAuth Token (xoxb-…) from "OAuth & Permissions" (docs/slack.md)`);
  }
  return new Error(`cannot reach the Slack Web API to check SLACK_BOT_TOKEN: ${(error as Error).message}; check the network${apiUrl ? ` and SLACK_API_URL (${apiUrl})` : ''}`);
}

/**
 * The Slack side of `goldsmith serve`: a Bolt app on an HTTPReceiver (no
 * server of its own: serve mounts `requestListener`) and, with an app token,
 * a Socket Mode connection feeding the same app; the `/image` command, the
 * Cancel and rollback buttons, and one coalesced progress message per job in
 * `slack.channel`.
 *
 * @example
 * const bot = createSlackBot({ signingSecret, appToken, token, slack: config.slack, matrix, store, queue, templates, audit, logger, databasePath });
 * await bot.start();
 * queue.on('update', (job, line) => bot.notice(job, line));
 * http.createServer((req, res) => bot.requestListener(req, res));
 */
export function createSlackBot(options: SlackBotOptions): SlackBot {
  const logger = boltLogger(options.logger);
  // The receiver is reached only through guardSlackRequests (the one listener this bot hands out),
  // which has already checked the signature, the timestamp both ways, replays and the form. Bolt's own
  // check would only repeat the first two, at more cost than ours (its tsscmp hashes both sides again),
  // on every ack (bench:slack).
  const { signingSecret } = options;
  const receiver = signingSecret
    ? new HTTPReceiver({ signingSecret, endpoints: [SLACK_EVENTS_PATH], logger, signatureVerification: false, processBeforeResponse: false })
    : undefined;
  const app = new App({
    receiver: receiver ?? socketOnlyReceiver,
    token: options.token,
    logger,
    deferInitialization: true,
    // No conversation state: every /image command stands alone, and the store costs time on every request.
    convoStore: false,
    clientOptions: {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
      retryConfig: { retries: options.retries ?? 2 },
      // A 429 comes back to us as an error with retryAfter: the progress coalescer waits, a handler never does.
      rejectRateLimitedCalls: true,
      timeout: 10_000,
    },
  });
  const authorizer = new SlackAuthorizer({
    permissions: options.slack.permissions,
    listMembers: async (usergroup) => (await app.client.usergroups.users.list({ usergroup })).users ?? [],
  });
  const overview = new RecentJobs(options.store);
  const laterEvents = new EventBatcher(options.store, 250, (error) => options.logger.error({ err: error.message }, 'audit events not written yet; will retry'));
  // Named one by one: the secrets in `options` stay out of what the handlers see.
  const context: SlackBotContext = {
    matrix: options.matrix,
    store: options.store,
    queue: options.queue,
    templates: options.templates,
    revocations: options.revocations,
    audit: options.audit,
    logger: options.logger,
    channel: options.slack.channel,
    overview: () => overview.read(),
    laterEvents,
    authorizer,
    post: (message) => app.client.chat.postMessage({ ...message, unfurl_links: false }),
  };
  const messages = SlackMessageStore.open(options.databasePath);
  // Twice the window: a row must outlive every moment its timestamp passes the check, even after the clock steps back.
  const seen = SeenSlackRequests.open(options.databasePath, { keepSeconds: 2 * SLACK_REQUEST_WINDOW_SECONDS });
  const entries = new Map<string, MatrixEntry>(options.matrix.map((entry) => [entry.key, entry]));
  const progress = options.slack.channel
    ? new ProgressMessages({
        chat: {
          postMessage: (args) => app.client.chat.postMessage(args),
          update: (args) => app.client.chat.update(args),
        },
        channel: options.slack.channel,
        messages,
        readJob: (id) => options.store.get(id),
        render: (job, lastLine, now) =>
          renderJobMessage(job, { entry: entries.get(job.line), lastLine, now, pullRequest: options.templates.promotionPullRequest?.(job.id), typicalMs: job.state === 'running' ? options.store.typicalDurationMs(job.line) : undefined }),
        onError: (error, job) => options.logger.warn({ job: job.id, err: error.message }, 'progress message not sent'),
        ...options.progress,
      })
    : undefined;

  // One place for every word that leaves for Slack: Web API calls (messages, updates), acks and response_url replies.
  const secrets = options.secrets ?? [];
  const apiCall = app.client.apiCall.bind(app.client);
  app.client.apiCall = (method, callOptions) => apiCall(method, scrubValue(callOptions, secrets));
  const scrubbedReplies = <A extends { ack: (reply?: never) => Promise<void>; respond: (reply: never) => Promise<unknown> }>(handler: (args: A) => Promise<void>) => (args: A) =>
    handler({ ...args, ack: ((reply?: unknown) => args.ack(scrubValue(reply, secrets) as never)) as A['ack'], respond: ((reply: unknown) => args.respond(scrubValue(reply, secrets) as never)) as A['respond'] });
  app.command('/image', scrubbedReplies(handleImageCommand(context)));
  app.action(CANCEL_JOB_ACTION, scrubbedReplies(handleCancelButton(context)));
  app.action(ROLLBACK_CONFIRM_ACTION, scrubbedReplies(handleRollbackConfirm(context)));
  app.action(ROLLBACK_DISMISS_ACTION, scrubbedReplies(handleRollbackDismiss(context)));
  app.error(async (error) => {
    options.logger.error({ err: error.message, code: error.code }, 'slack listener failed');
  });

  // The socket's envelopes reach the very listeners above (app.processEvent), after their own replay check.
  const seenEnvelopes = options.appToken ? SeenSocketEnvelopes.open(options.databasePath, { keepSeconds: SEEN_ENVELOPE_SECONDS }) : undefined;
  const socket =
    options.appToken && seenEnvelopes
      ? new SlackSocketMode({
          ...options.socketMode,
          appToken: options.appToken,
          apiUrl: options.apiUrl ?? 'https://slack.com/api/',
          logger: options.logger,
          onEnvelope: handleSocketEnvelope({ seen: seenEnvelopes, logger: options.logger, processEvent: (event) => app.processEvent(event), observeAck: options.observeSocketAck }),
        })
      : undefined;

  return {
    requestListener:
      signingSecret && receiver
        ? guardSlackRequests({ path: SLACK_EVENTS_PATH, signingSecret, seen, logger: options.logger, next: receiver.requestListener })
        : httpOff(SLACK_EVENTS_PATH),
    transports: { http: receiver !== undefined, socketMode: socket !== undefined },
    socketState: () => (socket ? (socket.connected ? 'connected' : 'reconnecting') : 'off'),
    async start() {
      try {
        await app.init();
      } catch (error) {
        throw describeStartError(error, options.apiUrl);
      }
      await authorizer.warm();
      await socket?.start();
    },
    disconnect: async () => socket?.stop(),
    notice: (job, lastLine) => {
      overview.invalidate();
      progress?.notice(job, lastLine);
    },
    noticeLine: (jobId, line) => progress?.noticeLine(jobId, line),
    refreshJob: (jobId) => progress?.refresh(jobId),
    async postInJobThread(jobId, text) {
      progress?.refresh(jobId);
      const message = messages.get(jobId);
      if (message) await app.client.chat.postMessage({ channel: message.channel, thread_ts: message.ts, text, unfurl_links: false });
    },
    async stop() {
      await socket?.stop();
      laterEvents.stop();
      await progress?.flush();
      progress?.stop();
      messages.close();
      seen.close();
      seenEnvelopes?.close();
    },
  };
}
