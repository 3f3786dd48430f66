import { executorKindOf } from '../config/executor-kind-of.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { Matrix } from '../config/matrix-schema.js';
import { selectLines } from '../config/select-lines.js';
import type { Requester } from '../evidence/run-schema.js';
import { findQueueProblems } from './find-queue-problems.js';
import type { JobStore } from './job-store.js';
import type { RequestResult } from './job-types.js';

/**
 * Queues a build of each line `selector` names (a key, an alias, or
 * `all`), each on its executor and with its matrix entry as read now;
 * throws for an unknown name, with the closest keys. A line with a problem
 * known before it starts (findQueueProblems: records not writable, no
 * signing key, a var-file missing, …) is refused with the reasons, like a
 * busy one, and nothing is queued for it.
 *
 * @example
 * requestBuilds(store, config, matrix, 'win2025', { source: 'cli', user: 'alice' }, { signer: true });
 */
export function requestBuilds(
  store: JobStore,
  config: Pick<LoadedConfig, 'executors' | 'records' | 'packer'>,
  matrix: Matrix,
  selector: string,
  requester: Requester,
  options: { signer: boolean },
): RequestResult[] {
  return selectLines(matrix, selector).map((entry) => {
    const problems = findQueueProblems(config, entry, options);
    if (problems.length > 0) return { ok: false, holder: undefined, message: `${entry.key} cannot be built: ${problems.join('; ')}` };
    return store.request(entry.key, requester, entry, executorKindOf(config.executors, entry.key));
  });
}
