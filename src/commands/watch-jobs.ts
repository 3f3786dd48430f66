import type { JobStore } from '../pipeline/job-store.js';
import { FINAL_STATES, type Job } from '../pipeline/job-types.js';
import { formatElapsed, formatProgressBar } from '../pipeline/format-job.js';
import { readReadableLogTail } from '../pipeline/readable-log-lines.js';

const POLL_MS = 500;

async function lastLineOf(job: Job): Promise<string> {
  if (!job.logPath) return '';
  try {
    return ((await readReadableLogTail(job.logPath, 1, 64 * 1024))[0] ?? '').trim().slice(0, 100);
  } catch {
    return '';
  }
}

function progressLine(job: Job, last: string, bar: string | undefined): string {
  return `job ${job.id} ${job.line}: ${job.state}${job.stage ? `, ${job.stage}` : ''} (${formatElapsed(job.startedAt ?? job.createdAt)})${bar ? ` ${bar}` : ''}${last ? ` | ${last}` : ''}`;
}

function endLine(job: Job): string {
  if (job.state === 'succeeded') return `job ${job.id} ${job.line}: succeeded in ${formatElapsed(job.startedAt, new Date(job.finishedAt!))}; record ${job.recordPath}, log SHA-256 ${job.logSha256}`;
  const tail = job.tail ? `\n${job.tail.split('\n').slice(-10).map((line) => `    ${line}`).join('\n')}` : '';
  return `job ${job.id} ${job.line}: ${job.state}${job.stage ? ` at stage "${job.stage}"` : ''}${job.exitCode !== null ? `, exit ${job.exitCode}` : ''}: ${job.reason ?? 'no reason given'}${tail}\n    log: ${job.logPath ?? '(none)'}`;
}

/**
 * Follows jobs until each has ended, printing progress: on a terminal one
 * line per job rewritten in place (stage, elapsed, last log line), otherwise a
 * line per change. Resolves with the jobs as they ended, or undefined when
 * `signal` stopped the watch first.
 */
export async function watchJobs(store: JobStore, ids: readonly number[], stdout: NodeJS.WritableStream & { isTTY?: boolean }, signal?: AbortSignal): Promise<Job[] | undefined> {
  const shown = new Map<number, string>();
  const done = new Map<number, Job>();
  while (done.size < ids.length) {
    for (const id of ids) {
      if (done.has(id)) continue;
      const job = store.get(id)!;
      if (FINAL_STATES.includes(job.state)) {
        done.set(id, job);
        stdout.write(`${stdout.isTTY ? '\r\x1b[2K' : ''}${endLine(job)}\n`);
        continue;
      }
      // On a terminal, the same bar as in Slack: elapsed against the line's usual build time.
      const bar = stdout.isTTY && job.state === 'running' && job.startedAt ? formatProgressBar(Date.now() - Date.parse(job.startedAt), store.typicalDurationMs(job.line)) : undefined;
      const line = progressLine(job, stdout.isTTY ? await lastLineOf(job) : '', bar);
      const key = stdout.isTTY ? line : `${job.state}/${job.stage}`;
      if (shown.get(id) !== key) {
        stdout.write(stdout.isTTY ? `\r\x1b[2K${line.slice(0, 160)}` : `${line}\n`);
        shown.set(id, key);
      }
    }
    if (done.size < ids.length) {
      if (signal?.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', wake);
          resolve();
        }, POLL_MS);
        signal?.addEventListener('abort', wake, { once: true });
      });
      if (signal?.aborted) return undefined;
    }
  }
  return ids.map((id) => done.get(id)!);
}
