import type { BuildQueue } from './build-queue.js';
import type { JobStore } from './job-store.js';
import { FINAL_STATES, JOB_STATES } from './job-types.js';
import type { MetricsRegistry } from './metrics-registry.js';

/** Build durations span seconds (null builds) to hours (Windows with updates). */
const DURATION_BUCKETS = [10, 30, 60, 300, 600, 1200, 1800, 3600, 7200, 14_400];

/**
 * Adds the job metrics to `registry`: `goldsmith_jobs{state}` (every job in
 * the store, read at each scrape) and `goldsmith_build_duration_seconds
 * {line,state}` (builds this process ran, from start to end).
 *
 * @example
 * registerJobMetrics(registry, store, queue);
 */
export function registerJobMetrics(registry: MetricsRegistry, store: JobStore, queue: BuildQueue): void {
  registry.gauge('goldsmith_jobs', 'Jobs in the job store, by state.', () => {
    const counts = store.countByState();
    return JOB_STATES.map((state) => [{ state }, counts[state]]);
  });
  const durations = registry.histogram('goldsmith_build_duration_seconds', 'Duration of the builds this process ran, from start to end, by line and outcome.', DURATION_BUCKETS);
  // The queue reports a finished job more than once; count each job once.
  const observed = new Set<number>();
  queue.on('update', (job) => {
    if (!FINAL_STATES.includes(job.state) || !job.startedAt || !job.finishedAt || observed.has(job.id)) return;
    observed.add(job.id);
    durations.observe((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000, { line: job.line, state: job.state });
  });
}
