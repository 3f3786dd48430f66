import type { MirrorFetchOptions } from './open-mirror-url.js';

/** One answer on the way: its status, where a redirect points, and how to drop its body. */
export interface MirrorHop<T> {
  status: number;
  location: string | undefined;
  /** Drops the answer (its body unread): called for redirects and errors. */
  discard(): void;
  value: T;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * GETs a mirror URL through `get` and follows redirects (at most 5),
 * refusing any that leaves the URL's own host for one not in
 * `allowedRedirectHosts`, or goes from https to http. Resolves with the 2xx
 * answer; everything else is an error naming the URL and what to do. Shared by
 * the two ways goldsmith reads a mirror: node:http for pages and sums files
 * (openMirrorUrl), a lean reader for the ISO itself (openMirrorBody).
 *
 * @example
 * const { value, url } = await followMirrorRedirects('https://releases.ubuntu.com/24.04/', options, (next) => get(next));
 */
export async function followMirrorRedirects<T>(url: string, options: MirrorFetchOptions, get: (url: URL) => Promise<MirrorHop<T>>): Promise<{ value: T; url: string }> {
  let current = new URL(url);
  if (current.protocol !== 'http:' && current.protocol !== 'https:') throw new Error(`${url} is not an http(s) URL; fix it in packer/matrix.json`);
  const home = current.host.toLowerCase();
  const allowed = new Set([home, ...options.allowedRedirectHosts.map((host) => host.toLowerCase())]);
  for (let hop = 0; ; hop++) {
    let answer: MirrorHop<T>;
    try {
      answer = await get(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`the mirror ${current.host} cannot be reached for ${current.href} (${code}): check the URL in packer/matrix.json, or try again when the mirror is back`);
    }
    const status = answer.status;
    if (REDIRECTS.has(status)) {
      answer.discard();
      const location = answer.location;
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
      answer.discard();
      throw new Error(`the mirror answered ${status} for ${current.href}: check the URL in packer/matrix.json (the release may have moved)`);
    }
    return { value: answer.value, url: current.href };
  }
}
