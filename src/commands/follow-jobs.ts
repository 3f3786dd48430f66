import type { ChildProcess } from 'node:child_process';
import type { JobStore } from '../pipeline/job-store.js';
import type { Job } from '../pipeline/job-types.js';
import { watchJobs } from './watch-jobs.js';

/**
 * Follows jobs to their end (watchJobs) for `build --wait` and `job
 * --wait`. Ctrl-C stops following, not the builds: the command says how to
 * follow again or cancel. When the background worker that was to run them
 * dies first, says so and where its log is.
 *
 * @example
 * const followed = await followJobs(store, [7], process.stdout);
 * if (followed === 'detached') process.exitCode = 130;
 */
export async function followJobs(
  store: JobStore,
  ids: readonly number[],
  stdout: NodeJS.WritableStream,
  options: { worker?: ChildProcess | undefined; workerLog?: string } = {},
): Promise<Job[] | 'detached' | 'worker-died'> {
  const stop = new AbortController();
  let why: 'detached' | 'worker-died' | undefined;
  const onSignal = () => {
    why ??= 'detached';
    stop.abort();
  };
  // `on`, not `once`: with no listener left, execa's signal-exit re-raises the signal and the process dies mid-sentence.
  process.on('SIGINT', onSignal);
  const onWorkerExit = (code: number | null) => {
    if (code === 0) return;
    why ??= 'worker-died';
    stop.abort();
  };
  options.worker?.once('exit', onWorkerExit);
  try {
    const finished = await watchJobs(store, ids, stdout, stop.signal);
    if (finished) return finished;
    const open = ids.filter((id) => !['succeeded', 'failed', 'cancelled', 'interrupted'].includes(store.get(id)!.state));
    if (why === 'worker-died') {
      stdout.write(`\nthe background worker stopped before job${open.length === 1 ? '' : 's'} ${open.join(', ')} ended; its log: ${options.workerLog ?? 'worker.log'}\n`);
      return 'worker-died';
    }
    stdout.write(
      `\nstopped following; the build${open.length === 1 ? ' goes' : 's go'} on.\n` +
        open.map((id) => `  follow: goldsmith job ${id} --wait    cancel: goldsmith cancel ${id}\n`).join(''),
    );
    return 'detached';
  } finally {
    process.off('SIGINT', onSignal);
    options.worker?.off('exit', onWorkerExit);
  }
}
