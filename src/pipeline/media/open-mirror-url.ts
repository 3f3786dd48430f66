import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

function get(url: URL, headers: Record<string, string>, idleTimeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', headers: { 'user-agent': 'goldsmith', ...headers } }, resolve);
    request.setTimeout(idleTimeoutMs, () => request.destroy(Object.assign(new Error(`no answer within ${idleTimeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end();
  });
}

/**
 * GETs a mirror URL and follows redirects (at most 5), refusing any that
 * leaves the URL's own host for one not in `allowedRedirectHosts`, or goes
 * from https to http. Resolves with a 2xx answer; everything else is an
 * error naming the URL and what to do. The caller reads (or destroys) the body.
 *
 * @example
 * const { response } = await openMirrorUrl('https://releases.ubuntu.com/24.04/', { allowedRedirectHosts: [], idleTimeoutMs: 60_000 });
 */
export async function openMirrorUrl(url: string, options: MirrorFetchOptions, headers: Record<string, string> = {}): Promise<MirrorResponse> {
  let current = new URL(url);
  if (current.protocol !== 'http:' && current.protocol !== 'https:') throw new Error(`${url} is not an http(s) URL; fix it in packer/matrix.json`);
  const home = current.host.toLowerCase();
  const allowed = new Set([home, ...options.allowedRedirectHosts.map((host) => host.toLowerCase())]);
  for (let hop = 0; ; hop++) {
    let response: IncomingMessage;
    try {
      response = await get(current, headers, options.idleTimeoutMs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`the mirror ${current.host} cannot be reached for ${current.href} (${code}): check the URL in packer/matrix.json, or try again when the mirror is back`);
    }
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      response.resume();
      const location = response.headers.location;
      if (!location) throw new Error(`${current.href} answered ${status} without a Location header; the mirror is misbehaving, try another`);
      const next = new URL(location, current);
      if (hop + 1 > MAX_REDIRECTS) throw new Error(`${url} redirected more than ${MAX_REDIRECTS} times; point packer/matrix.json at the final URL`);
      if (current.protocol === 'https:' && next.protocol !== 'https:') throw new Error(`refusing the redirect from ${current.href} to ${next.href}: it leaves https`);
      if (!allowed.has(next.host.toLowerCase())) {
        throw new Error(`refusing the redirect from ${current.href} to another host, ${next.host}: allow it under media.allowed_redirect_hosts in goldsmith.yaml if you trust it, or use a mirror that serves the file itself`);
      }
      current = next;
      continue;
    }
    if (status < 200 || status > 299) {
      response.resume();
      throw new Error(`the mirror answered ${status} for ${current.href}: check the URL in packer/matrix.json (the release may have moved)`);
    }
    return { response, url: current.href };
  }
}
