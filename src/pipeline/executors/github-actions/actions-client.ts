import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** An answer of the API that is not a success, with GitHub's own message. */
export class ActionsApiError extends Error {
  constructor(
    readonly status: number,
    readonly apiMessage: string,
    readonly path: string,
  ) {
    super(`GitHub answered ${status} to ${path}: ${apiMessage}`);
  }
}

/** The API could not be reached, or kept failing, after every retry. */
export class ActionsTransientError extends Error {}

export interface ActionsClientOptions {
  apiBase: string;
  /** The `Authorization` header value (`Bearer …`), minted or refreshed as needed. */
  authorization: () => Promise<string>;
  /** Tries per request on 5xx or a dropped connection (default 5). */
  attempts?: number;
  /** The first backoff after a 5xx, doubled each time (default 1000 ms). */
  backoffMs?: number;
  /** How long one request may take (default 30 s). */
  timeoutMs?: number;
}

export interface ActionsResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

/** How long GitHub asks us to wait, from a rate-limited answer; undefined when it is not one. */
function rateLimitWaitMs(response: Response, now = Date.now()): number | undefined {
  if (response.status !== 429 && response.status !== 403) return undefined;
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  if (response.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now) + 1000;
  }
  // A secondary limit without a header: GitHub says to wait at least a minute. A plain 403 is a refusal.
  return response.status === 429 ? 60_000 : undefined;
}

async function messageOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON: the text itself (a proxy's page) says more than nothing.
  }
  return text.slice(0, 200) || response.statusText;
}

/**
 * GitHub's REST API for the Actions executor: one client per API host,
 * shared by every job, so a rate limit seen by one request pauses them all
 * until GitHub's `Retry-After` or `x-ratelimit-reset` has passed; 5xx and
 * dropped connections are retried with a doubling backoff. Redirects (log
 * and artifact downloads) are followed without the token: it must never
 * reach the storage host.
 *
 * @example
 * const client = new ActionsClient({ apiBase: 'https://api.github.com', authorization: async () => 'Bearer ghs_…' });
 * const run = await client.request('GET', '/repos/acme/images/actions/runs/42');
 */
export class ActionsClient {
  private pausedUntil = 0;
  /** Every request sent to the API (retries included), for the benchmark. */
  requests = 0;

  constructor(private readonly options: ActionsClientOptions) {}

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ActionsResponse<T>> {
    const response = await this.send(method, path, body);
    if (response.status >= 400) throw new ActionsApiError(response.status, await messageOf(response), path);
    const text = await response.text();
    return { status: response.status, headers: response.headers, data: (text ? JSON.parse(text) : undefined) as T };
  }

  /**
   * Downloads what `path` redirects to (an artifact's zip) into `file`,
   * refusing more than `maxBytes`: the partial file is removed. Returns the
   * size written.
   */
  async download(path: string, file: string, maxBytes: number): Promise<number> {
    const response = await this.send('GET', path);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new ActionsApiError(response.status, response.status >= 400 ? await messageOf(response) : 'expected a redirect to the download', path);
    }
    await response.body?.cancel();
    // The storage URL is signed: no Authorization header goes with it.
    const blob = await fetch(new URL(location, this.options.apiBase), { redirect: 'follow', signal: AbortSignal.timeout(10 * (this.options.timeoutMs ?? 30_000)) });
    if (!blob.ok || !blob.body) throw new ActionsApiError(blob.status, `the download link answered ${blob.status} ${blob.statusText}`, path);
    const declared = Number(blob.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await blob.body.cancel();
      throw new ActionsApiError(413, `the download is ${declared} bytes, over the limit of ${maxBytes}`, path);
    }
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(size > maxBytes ? new ActionsApiError(413, `the download passed the limit of ${maxBytes} bytes`, path) : null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(blob.body as import('node:stream/web').ReadableStream), limit, createWriteStream(file, { mode: 0o600 }));
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    return size;
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const attempts = this.options.attempts ?? 5;
    let backoff = this.options.backoffMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) await sleep(wait);
      let response: Response;
      try {
        this.requests++;
        response = await fetch(`${this.options.apiBase}${path}`, {
          method,
          redirect: 'manual',
          headers: {
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
            'user-agent': 'goldsmith',
            authorization: await this.options.authorization(),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        if (attempt >= attempts) throw new ActionsTransientError(`GitHub's API at ${this.options.apiBase} cannot be reached (${(error as Error).message})`);
        await sleep(backoff);
        backoff *= 2;
        continue;
      }
      const limited = rateLimitWaitMs(response);
      if (limited !== undefined) {
        await response.body?.cancel();
        // Every request of this client waits, not only this one: that is what stops a storm.
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + limited);
        if (attempt >= attempts) throw new ActionsTransientError(`GitHub kept rate-limiting ${path} (${response.status}); goldsmith waited as asked ${attempts} times`);
        continue;
      }
      if (response.status >= 500) {
        if (attempt >= attempts) throw new ActionsTransientError(`GitHub answered ${response.status} to ${path} ${attempts} times`);
        await response.body?.cancel();
        await sleep(backoff);
        backoff *= 2;
        continue;
      }
      return response;
    }
  }
}
