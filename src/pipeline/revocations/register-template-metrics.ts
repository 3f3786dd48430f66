import type { MetricsRegistry } from '../metrics-registry.js';
import type { RevocationOperations } from './revocation-operations.js';

/**
 * Adds the live-template gauges to `registry`, read from the records at each
 * scrape: `goldsmith_template_age_days{line}` (days since the live build
 * finished), `goldsmith_template_expired{line}` (1 when older than the
 * line's max_age_days; only lines that set one), and
 * `goldsmith_template_revoked{line}` (1 when the live build is revoked).
 * Lines never promoted have no series.
 *
 * @example
 * registerTemplateMetrics(registry, revocations);
 * // goldsmith_template_expired{line="ubuntu-24.04"} 1
 */
export function registerTemplateMetrics(registry: MetricsRegistry, revocations: Pick<RevocationOperations, 'health'>): void {
  // One read of the records per scrape, shared by the three gauges: render() calls them one after another,
  // synchronously, so the reading is dropped as soon as that render is over.
  let cached: ReturnType<RevocationOperations['health']> | undefined;
  const health = () => {
    if (!cached) {
      cached = revocations.health(new Date());
      queueMicrotask(() => (cached = undefined));
    }
    return cached.filter((line) => line.live);
  };
  registry.gauge('goldsmith_template_age_days', "Days since the live template's build finished (the build the line's newest promotion record names).", () =>
    health().flatMap((line) => (line.ageDays === undefined ? [] : [[{ line: line.line }, line.ageDays]])),
  );
  registry.gauge('goldsmith_template_expired', "1 when the line's live template is older than its max_age_days, else 0 (lines with max_age_days only).", () =>
    health().flatMap((line) => (line.maxAgeDays === undefined ? [] : [[{ line: line.line }, line.expired ? 1 : 0]])),
  );
  registry.gauge('goldsmith_template_revoked', "1 when the line's live template is a revoked build, else 0.", () => health().map((line) => [{ line: line.line }, line.revoked ? 1 : 0]));
}
