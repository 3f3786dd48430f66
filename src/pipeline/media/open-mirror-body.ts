import { followMirrorRedirects } from './follow-mirror-redirects.js';
import type { MirrorFetchOptions } from './open-mirror-url.js';
import { requestRawHttp, type RawHttpResponse } from './request-raw-http.js';

/**
 * GETs a large file from a mirror, following redirects under the same rules
 * as openMirrorUrl, with a lean reader (requestRawHttp) whose body arrives in
 * one reused 1 MiB buffer: for ISOs, where node:http's buffer per 64 KiB read
 * costs as much CPU as hashing the file. Resolves with the 2xx answer, body
 * unread, and the URL that gave it.
 *
 * @example
 * const { response } = await openMirrorBody('https://releases.ubuntu.com/24.04/ubuntu-24.04.3-live-server-amd64.iso', { allowedRedirectHosts: [], idleTimeoutMs: 60_000 });
 * await response.readBody((chunk) => void writeSync(fd, chunk));
 */
export async function openMirrorBody(url: string, options: MirrorFetchOptions, headers: Record<string, string> = {}): Promise<{ response: RawHttpResponse; url: string }> {
  const { value, url: answered } = await followMirrorRedirects(url, options, async (next) => {
    const response = await requestRawHttp(next, headers, options.idleTimeoutMs);
    return { status: response.statusCode, location: response.headers.location, discard: () => response.destroy(), value: response };
  });
  return { response: value, url: answered };
}
