import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { findPayloadProblem } from './find-payload-problem.js';
import type { GitHubAppLogger } from './github-app-context.js';

export interface GitHubWebhookGuardOptions {
  /** The path GitHub posts to (`/github/webhooks`); anything else goes straight to `next`. */
  path: string;
  /** Checks X-Hub-Signature-256 against the raw body: Probot's own check (`probot.webhooks.verify`). */
  verify: (body: string, signature: string) => Promise<boolean>;
  logger: GitHubAppLogger;
  /** Probot's middleware: it reads the body kept here (`req.body`) instead of the stream. */
  next: RequestListener;
  /** Largest body read, in bytes. Default 25 MiB, the most GitHub sends. */
  bodyLimit?: number;
}

/** GitHub caps webhook payloads at 25 MB and drops larger ones unsent. */
const GITHUB_PAYLOAD_LIMIT = 25 * 1024 * 1024;

// Decoded exactly as @octokit/webhooks decodes (a BOM is dropped), so its signature check sees the same text.
const decoder = new TextDecoder('utf-8', { fatal: false });

/** The path as @octokit/webhooks compares it: trailing slashes of the whole URL dropped first. */
function pathOf(url: string): string {
  return new URL(url.replace(/\/+$/, '') || '/', 'http://localhost').pathname;
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${text}\n`);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

async function screen(options: GitHubWebhookGuardOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Buffer | 'too large';
  try {
    body = await readBody(req, options.bodyLimit ?? GITHUB_PAYLOAD_LIMIT);
  } catch (error) {
    options.logger.warn({ err: (error as Error).message }, 'github webhook body not read');
    if (!res.headersSent) reply(res, 400, 'the request body could not be read');
    return;
  }
  if (body === 'too large') {
    // The rest of the body is not read: the connection goes once the answer is out.
    res.once('finish', () => req.destroy());
    res.setHeader('connection', 'close');
    reply(res, 413, `the request body is larger than ${options.bodyLimit ?? GITHUB_PAYLOAD_LIMIT} bytes; GitHub never sends more`);
    return;
  }
  const text = decoder.decode(body);
  (req as IncomingMessage & { body?: string }).body = text;
  const event = headerOf(req, 'x-github-event');
  // Without the event header Probot answers 400 on its own.
  const problem = event === undefined ? undefined : findPayloadProblem(event, text);
  if (problem === undefined) return void options.next(req, res);
  // Only a delivery signed with WEBHOOK_SECRET learns what is wrong with it; any other gets Probot's 400 for the signature.
  const signature = headerOf(req, 'x-hub-signature-256');
  const signed = signature !== undefined && (await options.verify(text, signature).catch(() => false));
  if (!signed) return void options.next(req, res);
  options.logger.warn({ event, delivery: headerOf(req, 'x-github-delivery'), problem }, 'malformed webhook payload refused');
  reply(res, 400, `${problem}; nothing was done`);
}

/**
 * Screens what GitHub posts before Probot sees it: a correctly signed
 * delivery whose payload goldsmith cannot read (not a JSON object, or an
 * event it handles with a field it reads missing or mistyped) gets HTTP 400
 * with a short reason naming the field, never an exception's text, and
 * nothing is done: no handler runs and its delivery id is not taken, so a
 * corrected redelivery is handled. A body over 25 MiB gets 413. Everything
 * else, including unsigned requests and events goldsmith does not handle,
 * goes on to Probot unchanged.
 *
 * @example
 * const listener = guardGitHubWebhooks({ path: '/github/webhooks', verify: (body, sig) => probot.webhooks.verify(body, sig), logger, next: probotMiddleware });
 * // POST /github/webhooks, signed, issue_comment.created without comment.body:
 * // 400 "payload is not a valid issue_comment.created event: missing comment.body; nothing was done"
 */
export function guardGitHubWebhooks(options: GitHubWebhookGuardOptions): RequestListener {
  return (req, res) => {
    if (req.method !== 'POST' || pathOf(req.url ?? '/') !== options.path) return void options.next(req, res);
    void screen(options, req, res).catch((error: unknown) => {
      options.logger.error({ err: (error as Error).message }, 'github webhook not screened');
      if (!res.headersSent) reply(res, 500, 'goldsmith could not read this delivery; its log has the reason');
    });
  };
}
