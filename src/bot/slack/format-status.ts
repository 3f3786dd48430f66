import { formatElapsed } from '../../pipeline/format-job.js';
import type { JobStore } from '../../pipeline/job-store.js';
import type { Job } from '../../pipeline/job-types.js';
import { describeLineHealth, type LineHealth } from '../../evidence/read-line-health.js';
import { readJobOverview, type JobOverview } from './recent-jobs.js';
import { codeBlock, describeRequester, escapeMrkdwn, formatUtc } from './slack-text.js';

/** `• job 12 *ubuntu-24.04* running · provisioning · 4:10 · @alice` */
export function formatJobBullet(job: Job, now: Date): string {
  const end = job.finishedAt ? new Date(job.finishedAt) : now;
  const stage = job.state === 'running' && job.stage ? ` · ${escapeMrkdwn(job.stage)}` : '';
  const when = job.state === 'queued' ? `queued ${formatUtc(job.createdAt)}` : formatElapsed(job.startedAt, end);
  return `• job ${job.id} *${escapeMrkdwn(job.line)}* ${job.state}${stage} · ${when} · ${describeRequester(job.requester)}`;
}

function formatJobDetails(job: Job, now: Date): string {
  const rows = [
    formatJobBullet(job, now),
    `requested ${formatUtc(job.createdAt)}${job.startedAt ? `, started ${formatUtc(job.startedAt)}` : ''}${job.finishedAt ? `, finished ${formatUtc(job.finishedAt)}` : ''}`,
    job.exitCode !== null ? `exit code ${job.exitCode}` : '',
    job.reason ? `reason: ${escapeMrkdwn(job.reason)}` : '',
    job.recordPath ? `record \`${escapeMrkdwn(job.recordPath)}\`` : '',
    job.logSha256 ? `log SHA-256 \`${job.logSha256}\`` : '',
    job.tail && job.state !== 'succeeded' ? `last lines of the log (secrets scrubbed):\n${codeBlock(job.tail, 2000)}` : '',
  ];
  return rows.filter(Boolean).join('\n');
}

/**
 * The answer to `/image status [job|line]`, from the job store alone (so it
 * can be the ack itself): running and queued jobs and the latest finished
 * ones (from `overview`, which may be kept in memory); one job in detail; or
 * one line's recent jobs.
 *
 * @example
 * formatStatus(store, {}, new Date()) // '*Running and queued*\n• job 12 *ubuntu-24.04* running · …'
 */
export function formatStatus(store: JobStore, target: { job?: number; line?: string }, now: Date, overview: () => JobOverview = () => readJobOverview(store)): string {
  if (target.job !== undefined) {
    const job = store.get(target.job);
    return job ? formatJobDetails(job, now) : `There is no job ${target.job}; \`/image status\` lists the jobs.`;
  }
  if (target.line !== undefined) {
    const jobs = store.list({ line: target.line, limit: 5 });
    if (jobs.length === 0) return `*${escapeMrkdwn(target.line)}* has no jobs yet; start one with \`/image build ${escapeMrkdwn(target.line)}\`.`;
    return [`*${escapeMrkdwn(target.line)}*: the latest jobs`, ...jobs.map((job) => formatJobBullet(job, now))].join('\n');
  }
  const { active, recent } = overview();
  const parts = [
    active.length > 0 ? ['*Running and queued*', ...active.map((job) => formatJobBullet(job, now))].join('\n') : 'Nothing is running or queued.',
    recent.length > 0 ? ['*Recently finished*', ...recent.map((job) => formatJobBullet(job, now))].join('\n') : '',
  ];
  return parts.filter(Boolean).join('\n\n');
}

/**
 * The lines whose live template needs attention (revoked, or older than
 * max_age_days), one bullet each; '' when none does.
 *
 * @example
 * formatLineHealth(health) // '*Live templates that need attention*\n:no_entry: ubuntu-24.04: live template builds/… is revoked by …'
 */
export function formatLineHealth(health: readonly LineHealth[]): string {
  const flagged = health.flatMap((line) => {
    const words = describeLineHealth(line);
    return words ? [`${line.revoked ? ':no_entry:' : ':hourglass:'} ${escapeMrkdwn(words)}`] : [];
  });
  return flagged.length > 0 ? ['*Live templates that need attention*', ...flagged].join('\n') : '';
}
