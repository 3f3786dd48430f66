import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { followMirrorRedirects } from './follow-mirror-redirects.js';

/** How goldsmith talks to a mirror: which hosts a redirect may lead to, and how long silence is tolerated. */
export interface MirrorFetchOptions {
  /** Hosts (`host` or `host:port`) a redirect may lead to besides the URL's own (goldsmith.yaml `media.allowed_redirect_hosts`). */
  allowedRedirectHosts: readonly string[];
  /** Milliseconds without a header or a byte before the request is abandoned. */
  idleTimeoutMs: number;
}

/** An answer from a mirror, after redirects, with its status 2xx. */
export interface MirrorResponse {
  response: IncomingMessage;
  /** The URL that answered (after redirects). */
  url: string;
}

function get(url: URL, headers: Record<string, string>, idleTimeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', headers: { 'user-agent': 'goldsmith', ...headers } }, resolve);
    request.setTimeout(idleTimeoutMs, () => request.destroy(Object.assign(new Error(`no answer within ${idleTimeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end();
  });
}

/**
 * GETs a mirror URL with node:http and follows redirects (at most 5),
 * refusing any that leaves the URL's own host for one not in
 * `allowedRedirectHosts`, or goes from https to http (followMirrorRedirects).
 * Resolves with a 2xx answer; everything else is an error naming the URL and
 * what to do. The caller reads (or destroys) the body.
 *
 * @example
 * const { response } = await openMirrorUrl('https://releases.ubuntu.com/24.04/', { allowedRedirectHosts: [], idleTimeoutMs: 60_000 });
 */
export async function openMirrorUrl(url: string, options: MirrorFetchOptions, headers: Record<string, string> = {}): Promise<MirrorResponse> {
  const { value, url: answered } = await followMirrorRedirects(url, options, async (next) => {
    const response = await get(next, headers, options.idleTimeoutMs);
    return { status: response.statusCode ?? 0, location: response.headers.location, discard: () => response.resume(), value: response };
  });
  return { response: value, url: answered };
}
