import type { MatrixEntry } from '../../config/matrix-schema.js';
import { discoverRelease, type DiscoveredRelease, type DiscoverOptions } from './discover-release.js';
import { compareReleaseNames } from './pick-newest-release.js';

/** What a line's mirror offers against what its matrix entry names. */
export interface LineReleaseCheck {
  line: string;
  current: { file: string | undefined; isoUrl: string | undefined; sumsUrl: string | undefined };
  newest: DiscoveredRelease;
  /** True when the newest release is newer than the entry's iso_file. */
  newer: boolean;
}

/** The matrix lines `iso check` looks at: Linux lines with a `discover` block. */
export const discoverableLines = (matrix: readonly MatrixEntry[]): Array<MatrixEntry & { os: 'linux' }> =>
  matrix.filter((entry): entry is MatrixEntry & { os: 'linux' } => entry.os === 'linux' && entry.discover !== undefined);

/**
 * Reads a line's mirror (its `discover` block) and says whether a newer
 * point release than the entry's `iso_file` is published, with its SHA-256.
 *
 * @example
 * const check = await checkLineRelease(entry, options);
 * check.newer // true: ubuntu-24.04.4-live-server-amd64.iso after ubuntu-24.04.3-live-server-amd64.iso
 */
export async function checkLineRelease(entry: MatrixEntry & { os: 'linux' }, options: DiscoverOptions): Promise<LineReleaseCheck> {
  if (!entry.discover) throw new Error(`line ${entry.key} has no "discover" block in packer/matrix.json (index_url and pattern); add one to have its ISO checked`);
  const newest = await discoverRelease(entry.discover, entry.sums_url, options);
  const newer = entry.iso_file === undefined || (newest.file !== entry.iso_file && compareReleaseNames(newest.file, entry.iso_file) > 0);
  return { line: entry.key, current: { file: entry.iso_file, isoUrl: entry.iso_url, sumsUrl: entry.sums_url }, newest, newer };
}
