import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse, type ParsedUrlQuery } from 'node:querystring';
import { HTTPModuleFunctions, defaultBodyLimit, isRawBodyError } from '@slack/bolt';
import { checkSlackForm } from './check-slack-form.js';
import type { SeenSlackRequests } from './seen-slack-requests.js';
import type { BotLogger } from './slack-bot-context.js';
import { verifySlackSignature } from './verify-slack-signature.js';

export interface SlackRequestGuardOptions {
  /** The one path Slack posts to (`/slack/events`); anything else goes straight to `next`. */
  path: string;
  signingSecret: string;
  seen: Pick<SeenSlackRequests, 'remember'>;
  logger: BotLogger;
  /** Bolt's HTTPReceiver listener: it reads the body buffered here (`req.rawBody`) instead of the stream. */
  next: RequestListener;
  /** Largest body read, in bytes (Bolt's own default, 4 MiB). */
  bodyLimit?: number;
}

const FORM = 'application/x-www-form-urlencoded';

function reply(res: ServerResponse, status: number, body: string | object): void {
  const json = typeof body === 'object';
  res.writeHead(status, { 'content-type': json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(json ? JSON.stringify(body) : `${body}\n`);
}

async function readBody(req: IncomingMessage, res: ServerResponse, limit: number, logger: BotLogger): Promise<Buffer | undefined> {
  try {
    return (await HTTPModuleFunctions.bufferIncomingMessage(req, limit)).rawBody;
  } catch (error) {
    const tooLarge = isRawBodyError(error) && (error.type === 'entity.too.large' || error.statusCode === 413);
    logger.warn({ err: (error as Error).message }, 'slack request body not read');
    if (!res.headersSent) reply(res, tooLarge ? 413 : 400, tooLarge ? `the request body is larger than ${limit} bytes; Slack's are far smaller` : 'the request body could not be read');
    return undefined;
  }
}

async function screen(options: SlackRequestGuardOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { logger } = options;
  const rawBody = await readBody(req, res, options.bodyLimit ?? defaultBodyLimit, logger);
  if (!rawBody) return;
  // Read as Bolt will: only this exact content type is a form there, anything else is JSON.
  const form: ParsedUrlQuery | undefined = req.headers['content-type'] === FORM ? parse(rawBody.toString()) : undefined;
  // Slack's SSL check is unsigned by design: answered here, empty, so nothing smuggled beside it is ever read.
  if (form?.ssl_check === '1') {
    res.writeHead(200, { 'cache-control': 'no-store' });
    return void res.end();
  }

  const signed = verifySlackSignature(req.headers, rawBody, options.signingSecret);
  if (!signed.ok) {
    logger.warn({ reason: signed.reason, from: req.socket.remoteAddress }, 'slack request refused');
    return reply(res, 401, signed.reason);
  }
  // Only now, with the signature good and the timestamp in the window: an unsigned request never reaches the table.
  let seen: ReturnType<SlackRequestGuardOptions['seen']['remember']>;
  try {
    seen = options.seen.remember(signed.signature, signed.timestamp);
  } catch (error) {
    // Not knowing whether it is a replay means not acting on it (a store closed while serve stops, a locked file).
    logger.error({ err: (error as Error).message }, 'slack request not checked for replay');
    return reply(res, 503, 'goldsmith cannot check this request against the ones already received; nothing was done: try again, and check the goldsmith serve log');
  }
  if (!seen.first) {
    logger.warn({ first_received_at: seen.receivedAt, request_timestamp: signed.timestamp, from: req.socket.remoteAddress }, 'replayed slack request refused');
    return reply(res, 409, {
      response_type: 'ephemeral',
      text: `:no_entry: Not done: this request was already received at ${seen.receivedAt}. goldsmith acts on each signed Slack request once; to do it again, run the command or press the button again in Slack.`,
    });
  }

  const readable = checkSlackForm(form);
  if (!readable.ok) {
    logger.warn({ kind: readable.kind, problem: readable.problem }, 'unreadable slack request');
    // A slash command's answer is shown to whoever typed it only if it is a 200; an interaction's body is never shown.
    if (readable.kind === 'interaction') return reply(res, 400, `goldsmith could not read this request: ${readable.problem}; nothing was done`);
    return reply(res, 200, {
      response_type: 'ephemeral',
      text:
        `:warning: Not done: goldsmith could not read this /image request: ${readable.problem}. ` +
        'Slack sends `command`, `text`, `user_id`, `channel_id` and `response_url` once each; if a proxy sits between Slack and goldsmith, check that it forwards the body unchanged.',
    });
  }
  options.next(req, res);
}

/**
 * Screens what Slack posts before Bolt sees it, so that a request is acted on
 * only if it is signed with the signing secret (checked in constant time),
 * its timestamp is within five minutes of this server's clock in either
 * direction (401 otherwise), it has not been received before (409: its
 * signature is remembered in SQLite for the window, across restarts), and
 * its form is readable (a slash command missing or repeating a field gets an
 * ephemeral reply naming it). Other paths go to `next` untouched, so Bolt's
 * "not mine" error still reaches the server's 404.
 *
 * @example
 * const listener = guardSlackRequests({ path: '/slack/events', signingSecret, seen, logger, next: receiver.requestListener });
 * http.createServer((req, res) => listener(req, res));
 */
export function guardSlackRequests(options: SlackRequestGuardOptions): RequestListener {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== options.path || req.method?.toUpperCase() !== 'POST') return options.next(req, res);
    return screen(options, req, res);
  };
}
