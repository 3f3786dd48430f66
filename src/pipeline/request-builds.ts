import { executorKindOf } from '../config/executor-kind-of.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { Matrix, MatrixEntry } from '../config/matrix-schema.js';
import { selectLines } from '../config/select-lines.js';
import type { Requester } from '../evidence/run-schema.js';
import type { JobStore } from './job-store.js';
import type { RequestResult } from './job-types.js';

/**
 * Why `entry` cannot build on the executor goldsmith.yaml gives it, or
 * undefined: a QEMU line's image must land in this host's image folder, so
 * it builds here.
 */
export function executorProblemOf(config: Pick<LoadedConfig, 'executors'>, entry: MatrixEntry): string | undefined {
  const kind = executorKindOf(config.executors, entry.key);
  if (kind !== 'local' && entry.platform === 'qemu') {
    return `${entry.key} is a QEMU line, whose image is kept in this host's qemu.image_dir: it builds on the local executor only; set executors.lines.${entry.key}: local in goldsmith.yaml`;
  }
  return undefined;
}

/**
 * Queues a build of each line `selector` names (a key, an alias, or
 * `all`), each on its executor and with its matrix entry as read now;
 * throws for an unknown name, with the closest keys. A line that cannot
 * build on its executor is refused with the reason, like a busy one.
 *
 * @example
 * requestBuilds(store, config, matrix, 'win2025', { source: 'cli', user: 'alice' });
 */
export function requestBuilds(store: JobStore, config: Pick<LoadedConfig, 'executors'>, matrix: Matrix, selector: string, requester: Requester): RequestResult[] {
  return selectLines(matrix, selector).map((entry) => {
    const problem = executorProblemOf(config, entry);
    if (problem) return { ok: false, holder: undefined, message: problem };
    return store.request(entry.key, requester, entry, executorKindOf(config.executors, entry.key));
  });
}
