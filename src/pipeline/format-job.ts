import type { Job } from './job-types.js';

/** `1:05:09` or `3:07`: a duration, for progress lines. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** How long since `fromIso` (until `to`), as formatDuration writes it; `-` when it has not started. */
export function formatElapsed(fromIso: string | null, to: Date = new Date()): string {
  return fromIso ? formatDuration(to.getTime() - Date.parse(fromIso)) : '-';
}

/**
 * A build's progress against how long its line usually takes: a bar and a
 * percentage (capped at 99% while it runs: the usual time is not a promise),
 * or "first build" when the line has no successful build to compare with.
 *
 * @example
 * formatProgressBar(6 * 60_000, 12 * 60_000) // '█████░░░░░ 50% of the usual 12:00'
 * formatProgressBar(60_000, undefined)       // 'first build: no usual time yet'
 */
export function formatProgressBar(elapsedMs: number, typicalMs: number | undefined, width = 10): string {
  if (!typicalMs || typicalMs <= 0) return 'first build: no usual time yet';
  const share = Math.min(0.99, Math.max(0, elapsedMs / typicalMs));
  const filled = Math.floor(share * width);
  const over = elapsedMs > typicalMs ? `, ${formatDuration(elapsedMs - typicalMs)} over` : '';
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${Math.floor(share * 100)}% of the usual ${formatDuration(typicalMs)}${over}`;
}

/**
 * One line per job, as `goldsmith jobs` lists them.
 *
 * @example
 * formatJobLine(job) // '12  ubuntu-24.04      running    provisioning            4:10  cli:alice'
 */
export function formatJobLine(job: Job): string {
  const end = job.finishedAt ? new Date(job.finishedAt) : new Date();
  return [
    String(job.id).padStart(4),
    job.line.padEnd(24),
    job.state.padEnd(11),
    (job.stage ?? '-').padEnd(22),
    formatElapsed(job.startedAt, end).padStart(8),
    `${job.requester.source}:${job.requester.user}`,
  ].join('  ');
}

/** Everything about one job, for `goldsmith job <id>`. */
export function formatJobDetails(job: Job): string {
  const rows: Array<[string, string | number | null]> = [
    ['job', job.id],
    ['line', job.line],
    ['state', job.state],
    ['stage', job.stage],
    ['requested by', `${job.requester.user} via ${job.requester.source}`],
    ['queued at', job.createdAt],
    ['started at', job.startedAt],
    ['finished at', job.finishedAt],
    ['elapsed', formatElapsed(job.startedAt, job.finishedAt ? new Date(job.finishedAt) : new Date())],
    ['executor', job.executor === 'local' ? null : job.executor],
    ['run', job.remote?.runUrl ?? (job.remote ? `not found yet (look for "goldsmith job ${job.remote.key}" in ${job.remote.repository})` : null)],
    ['exit code', job.exitCode],
    ['reason', job.reason],
    ['record', job.recordPath],
    ['log SHA-256', job.logSha256],
    ['log', job.logPath],
  ];
  const shown = rows.filter(([, value]) => value !== null && value !== undefined);
  const body = shown.map(([name, value]) => `${name.padEnd(13)} ${value}`).join('\n');
  return job.tail && job.state !== 'succeeded' ? `${body}\nlast lines of the log:\n${job.tail.replace(/^/gm, '  ')}` : body;
}
