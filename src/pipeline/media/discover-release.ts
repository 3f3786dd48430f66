import { posix } from 'node:path';
import type { MirrorFetchOptions } from './open-mirror-url.js';
import { parseMirrorIndex } from './parse-mirror-index.js';
import { parseSumsFile } from './parse-sums-file.js';
import { pickNewestRelease } from './pick-newest-release.js';
import { readMirrorText } from './read-mirror-text.js';

/** A release found on a mirror: the ISO's name and URL, the sums file that lists it, and its SHA-256 there. */
export interface DiscoveredRelease {
  file: string;
  isoUrl: string;
  sumsUrl: string;
  sha256: string;
}

export interface DiscoverOptions extends MirrorFetchOptions {
  /** Largest index page or sums file (media.max_index_bytes). */
  maxIndexBytes: number;
}

/**
 * Reads the SHA-256 of `file` from the sums file at `sumsUrl`; throws naming
 * both when the sums file does not list it.
 *
 * @example
 * await readPublishedSha256('https://releases.ubuntu.com/24.04/SHA256SUMS', 'ubuntu-24.04.3-live-server-amd64.iso', options) // 'c3514b…'
 */
export async function readPublishedSha256(sumsUrl: string, file: string, options: DiscoverOptions): Promise<string> {
  const { text } = await readMirrorText(sumsUrl, { ...options, maxBytes: options.maxIndexBytes });
  const sha256 = parseSumsFile(text).get(file);
  if (!sha256) throw new Error(`${sumsUrl} lists no SHA-256 for ${file}: the mirror may still be syncing; try again later, or check sums_url in packer/matrix.json`);
  return sha256;
}

/**
 * Finds the newest point release of a line on its mirror: reads the index
 * page `discover.index_url`, picks the newest file name matching
 * `discover.pattern`, and reads its SHA-256 from the sums file of the same
 * folder (named as the line's `sums_url` names it, default SHA256SUMS).
 *
 * @example
 * const release = await discoverRelease({ index_url: 'https://releases.ubuntu.com/24.04/', pattern: '^ubuntu-24\\.04(\\.\\d+)?-live-server-amd64\\.iso$' }, 'https://releases.ubuntu.com/24.04/SHA256SUMS', options);
 * release.file // 'ubuntu-24.04.3-live-server-amd64.iso'
 */
export async function discoverRelease(discover: { index_url: string; pattern: string }, sumsUrl: string | undefined, options: DiscoverOptions): Promise<DiscoveredRelease> {
  const index = discover.index_url.endsWith('/') ? discover.index_url : `${discover.index_url}/`;
  const { text, url } = await readMirrorText(index, { ...options, maxBytes: options.maxIndexBytes });
  const names = parseMirrorIndex(text);
  const file = pickNewestRelease(names, discover.pattern);
  if (!file) {
    throw new Error(`no file listed at ${url} matches ${discover.pattern} (${names.length} files listed): check discover.index_url and discover.pattern in packer/matrix.json`);
  }
  const sumsName = sumsUrl ? posix.basename(new URL(sumsUrl).pathname) || 'SHA256SUMS' : 'SHA256SUMS';
  const published = new URL(sumsName, url).href;
  const sha256 = await readPublishedSha256(published, file, options);
  return { file, isoUrl: new URL(encodeURIComponent(file), url).href, sumsUrl: published, sha256 };
}
