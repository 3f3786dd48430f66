import type { Matrix } from '../../config/matrix-schema.js';
import type { LineHealth } from '../../evidence/read-line-health.js';

/**
 * The schedule's selectors with the expired lines first: `all` is spelt out
 * as the enabled lines (the queue runs requests in order, so the first
 * queued build starts first), and the lines whose live template is older
 * than their max_age_days move to the front, oldest first. Lines outside the
 * selection are not added.
 *
 * @example
 * expiredFirst(['all'], matrix, health) // ['debian-12', 'ubuntu-24.04', 'win2025']: debian-12 expired
 */
export function expiredFirst(selectors: readonly string[], matrix: Matrix, health: readonly LineHealth[]): string[] {
  const lines = selectors.flatMap((selector) => (selector === 'all' ? matrix.filter((entry) => entry.enabled).map((entry) => entry.key) : [selector]));
  const expired = new Map(health.filter((line) => line.expired).map((line) => [line.line, line.ageDays ?? 0]));
  const keyOf = (selector: string) => matrix.find((entry) => entry.key === selector || entry.aliases.includes(selector))?.key ?? selector;
  const first = lines.filter((selector) => expired.has(keyOf(selector))).sort((a, b) => expired.get(keyOf(b))! - expired.get(keyOf(a))!);
  return [...first, ...lines.filter((selector) => !expired.has(keyOf(selector)))];
}
