import type { Settings } from '../config/settings.js';
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userInfo } from 'node:os';
import type { LoadedConfig } from '../config/load-config.js';
import { loadMatrix } from '../config/load-matrix.js';
import { selectLines } from '../config/select-lines.js';
import { readSigner } from '../evidence/read-signer.js';
import { BuildQueue } from '../pipeline/build-queue.js';
import type { Job, RequestResult } from '../pipeline/job-types.js';
import { openJobStore } from '../pipeline/open-job-store.js';
import { requestBuilds } from '../pipeline/request-builds.js';
import { watchJobs } from './watch-jobs.js';

export interface BuildCommandOptions {
  wait?: boolean;
  /** Only queue: leave the job to `goldsmith serve` or `goldsmith worker`. */
  queueOnly?: boolean;
  requestedBy?: string;
}

/** Starts a background worker that runs queued jobs and exits when none is left. */
function spawnWorker(config: LoadedConfig, settings: Settings): void {
  const cli = fileURLToPath(new URL('../cli.js', import.meta.url));
  const log = openSync(join(config.state_dir, 'worker.log'), 'a');
  const args = [cli, ...(config.file ? ['--config', config.file] : []), 'worker', '--exit-when-idle'];
  spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: settings.goldsmithChildEnv() }).unref();
}

function report(results: RequestResult[], stdout: NodeJS.WritableStream): Job[] {
  const queued: Job[] = [];
  for (const result of results) {
    if (result.ok) {
      queued.push(result.job);
      stdout.write(`queued ${result.job.line} as job ${result.job.id}\n`);
    } else stdout.write(`not queued: ${result.message}\n`);
  }
  return queued;
}

/**
 * `goldsmith build <line|all> [--wait]`: queues builds. With --wait it
 * follows them with live progress and exits with their result; without, a
 * background worker runs them (unless `goldsmith serve` already does).
 */
export async function buildCommand(config: LoadedConfig, settings: Settings, selector: string, options: BuildCommandOptions, stdout: NodeJS.WritableStream): Promise<number> {
  const matrix = loadMatrix(config.packer.matrix);
  selectLines(matrix, selector);
  const signer = readSigner(config.signing.key, config.signing.identity);
  const requester = { source: 'cli' as const, user: options.requestedBy ?? userInfo().username };
  const store = openJobStore(config);
  try {
    const serving = store.hasLiveWorker();
    const queue = serving ? undefined : new BuildQueue({ store, config, matrix, signer, settings });
    if (queue && options.wait) await queue.start();
    const results = queue && options.wait ? queue.request(selector, requester) : requestBuilds(store, config, matrix, selector, requester);
    const queued = report(results, stdout);
    if (queued.length === 0) return 1;
    if (!options.wait) {
      if (!serving && !options.queueOnly) spawnWorker(config, settings);
      stdout.write(`follow with: goldsmith job ${queued[0]!.id}   (or goldsmith build ${selector} --wait)\n`);
      return 0;
    }
    const onSignal = () => void Promise.all(queued.map((job) => store.cancel(job.id, requester)));
    // `on`, not `once`: with no listener left, execa's signal-exit re-raises the signal and the process dies before the jobs stop.
    process.on('SIGINT', onSignal);
    try {
      const finished = await watchJobs(store, queued.map((job) => job.id), stdout);
      await queue?.stop();
      return finished.every((job) => job.state === 'succeeded') && results.every((result) => result.ok) ? 0 : 1;
    } finally {
      process.off('SIGINT', onSignal);
    }
  } finally {
    store.close();
  }
}
