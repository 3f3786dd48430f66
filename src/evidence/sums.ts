import { GENESIS } from './layout.js';

/** One `sha256sum` line: a digest and the file it names. */
export interface SumEntry {
  sha256: string;
  name: string;
}

const SUM_LINE = /^([0-9a-f]{64}) [ *](.+)$/;

/**
 * Formats entries the way `sha256sum` prints them, so `sha256sum -c` reads them back.
 *
 * @example
 * formatSums([{ sha256: 'ab…', name: 'run.json' }]) // 'ab…  run.json\n'
 */
export function formatSums(entries: readonly SumEntry[]): string {
  return entries.map((entry) => `${entry.sha256}  ${entry.name}\n`).join('');
}

/** Parses `sha256sum` output; throws naming the line that is not of that form. */
export function parseSums(text: string): SumEntry[] {
  if (!text.endsWith('\n')) throw new Error('does not end with a newline (truncated?)');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, index) => {
      const match = SUM_LINE.exec(line);
      if (!match) throw new Error(`line ${index + 1} is not "<sha256>  <file>"`);
      return { sha256: match[1]!, name: match[2]! };
    });
}

/** A PREV file: the previous record's SHA256SUMS, by digest and by path relative to this record; or the chain's start. */
export type PrevLink = { genesis: true } | { genesis: false; sha256: string; path: string };

/** Formats PREV: one `sha256sum` line (so `sha256sum -c PREV` works inside the record), or `genesis`. */
export function formatPrev(link: PrevLink): string {
  return link.genesis ? `${GENESIS}\n` : formatSums([{ sha256: link.sha256, name: link.path }]);
}

/** Parses PREV; throws when it is neither form. */
export function parsePrev(text: string): PrevLink {
  if (text === `${GENESIS}\n`) return { genesis: true };
  const entries = parseSums(text);
  if (entries.length !== 1) throw new Error(`holds ${entries.length} lines; expected one`);
  return { genesis: false, sha256: entries[0]!.sha256, path: entries[0]!.name };
}
