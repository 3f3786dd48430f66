import { InputError } from './input-error.js';
import type { Matrix, MatrixEntry } from './matrix-schema.js';

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * The valid names closest to `word`, best first: for "did you mean" messages.
 *
 * @example
 * closestNames('ubunt-24.04', ['ubuntu-24.04', 'debian-12']) // ['ubuntu-24.04']
 */
export function closestNames(word: string, names: readonly string[], count = 3): string[] {
  // A name that contains what was typed is the best guess; a short name inside a long word is not.
  const scored = names.map((name) => ({ name, score: name.includes(word) ? 0 : distance(word, name) }));
  const limit = Math.max(2, Math.ceil(word.length / 2));
  return scored
    .filter((entry) => entry.score <= limit)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((entry) => entry.name);
}

/**
 * Selects matrix lines as the seed pipeline does: `all` is every enabled line;
 * a key or alias (in any case, as in Slack) names exactly that line, even one
 * shipped `enabled: false`. An unknown name throws an InputError (exit 2)
 * with the closest keys.
 *
 * @example
 * selectLines(matrix, 'win2025') // [the windows-server-2025 entry]
 */
export function selectLines(matrix: Matrix, selector: string): MatrixEntry[] {
  const wanted = selector.toLowerCase();
  if (wanted === 'all') return matrix.filter((entry) => entry.enabled);
  const same = (name: string) => name.toLowerCase() === wanted;
  const entry = matrix.find((candidate) => same(candidate.key) || candidate.aliases.some(same));
  if (entry) return [entry];
  const names = matrix.flatMap((candidate) => [candidate.key, ...candidate.aliases]);
  const suggestions = closestNames(wanted, names);
  throw new InputError(
    `unknown line "${selector}"` +
      (suggestions.length > 0 ? `; did you mean ${suggestions.map((name) => `"${name}"`).join(' or ')}?` : '.') +
      ` Run "goldsmith matrix" to list the lines, or use "all".`,
  );
}
