import { userInfo } from 'node:os';
import type { LoadedConfig } from '../config/load-config.js';
import { formatJobDetails, formatJobLine } from '../pipeline/format-job.js';
import { JOB_STATES, type JobState } from '../pipeline/job-types.js';
import { openJobStore } from '../pipeline/open-job-store.js';
import { readLogTail } from '../pipeline/read-log-tail.js';
import { readReadableLogTail } from '../pipeline/readable-log-lines.js';
import { followJobs } from './follow-jobs.js';
import { UsageError } from './usage-error.js';

function parseJobId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || id <= 0) throw new UsageError(`"${text}" is not a job number; "goldsmith jobs" lists them`);
  return id;
}

/** `goldsmith jobs [--state S] [--limit N]`: newest first. */
export function jobsCommand(config: LoadedConfig, options: { state?: string; limit?: string }, stdout: NodeJS.WritableStream): number {
  if (options.state && !JOB_STATES.includes(options.state as JobState)) throw new UsageError(`--state must be one of ${JOB_STATES.join(', ')}`);
  const store = openJobStore(config);
  try {
    const jobs = store.list({ states: options.state ? [options.state as JobState] : [], limit: options.limit ? Number(options.limit) : 20 });
    stdout.write(jobs.length === 0 ? 'no jobs yet; start one with "goldsmith build <line>"\n' : `${jobs.map(formatJobLine).join('\n')}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** `goldsmith job <id> [--log] [--wait]`: details, the end of the scrubbed log, or the job followed to its end. */
export async function jobCommand(config: LoadedConfig, idText: string, options: { log?: boolean; raw?: boolean; lines?: string; wait?: boolean }, stdout: NodeJS.WritableStream): Promise<number> {
  const id = parseJobId(idText);
  const store = openJobStore(config);
  try {
    const job = store.get(id);
    if (!job) throw new UsageError(`there is no job ${id}; "goldsmith jobs" lists them`);
    if (options.wait) {
      const followed = await followJobs(store, [id], stdout);
      if (followed === 'detached' || followed === 'worker-died') return followed === 'detached' ? 130 : 1;
      return followed[0]!.state === 'succeeded' ? 0 : 1;
    }
    if (!options.log) {
      stdout.write(`${formatJobDetails(job)}\n`);
      return 0;
    }
    if (!job.logPath) throw new Error(`job ${id} has no log yet (it is ${job.state})`);
    const count = Number(options.lines ?? 50);
    // Packer's debug lines are most of a log: read more of its end so `count` readable lines remain.
    const lines = options.raw ? await readLogTail(job.logPath, count, 4 << 20) : await readReadableLogTail(job.logPath, count, 4 << 20);
    stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** `goldsmith cancel <id>`. */
export function cancelCommand(config: LoadedConfig, idText: string, stdout: NodeJS.WritableStream): number {
  const id = parseJobId(idText);
  const store = openJobStore(config);
  try {
    if (!store.get(id)) throw new UsageError(`there is no job ${id}; "goldsmith jobs" lists them`);
    const result = store.cancel(id, { source: 'cli', user: userInfo().username });
    if (!result.ok) throw new Error(result.message);
    stdout.write(result.job.state === 'cancelled' ? `cancelled job ${id}\n` : `stopping job ${id}: ${result.job.executor === 'local' ? 'Packer is cleaning up' : 'its CI run is being cancelled'}\n`);
    return 0;
  } finally {
    store.close();
  }
}
