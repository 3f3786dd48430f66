import type { Job } from './job-types.js';

/**
 * Why a line cannot take another build: who holds it, since when, and the job.
 *
 * @example
 * describeBusyLine(job) // 'win2025 is busy: job 12 (running, provisioning) was requested by alice via cli and has held the line since 2026-03-07T09:12:00.000Z'
 */
export function describeBusyLine(holder: Job): string {
  const since = holder.startedAt ?? holder.createdAt;
  return `${holder.line} is busy: job ${holder.id} (${holder.state}${holder.stage ? `, ${holder.stage}` : ''}) was requested by ${holder.requester.user} via ${holder.requester.source} and has held the line since ${since}`;
}
