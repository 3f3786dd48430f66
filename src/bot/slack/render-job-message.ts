import type { MatrixEntry } from '../../config/matrix-schema.js';
import { formatElapsed, formatProgressBar } from '../../pipeline/format-job.js';
import type { Job } from '../../pipeline/job-types.js';
import { codeBlock, describeRequester, escapeMrkdwn, type Block } from './slack-text.js';

/** The action id of the Cancel button on a running job's message. */
export const CANCEL_JOB_ACTION = 'goldsmith_cancel_job';

export interface JobMessageContext {
  /** The job's matrix entry, for the template name; undefined when the line left the matrix. */
  entry: MatrixEntry | undefined;
  /** The newest log line (already scrubbed). */
  lastLine?: string | undefined;
  now: Date;
  /** The promotion pull request, once there is one. */
  pullRequest?: string | undefined;
  /** How long the line's builds usually take (the median of its recent successes), for the progress bar. */
  typicalMs?: number | undefined;
}

const ICONS: Record<Job['state'], string> = {
  queued: ':hourglass:',
  running: ':gear:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
  interrupted: ':warning:',
};

function templateOf(job: Job, entry: MatrixEntry | undefined): [string, string] {
  // As run.json records it: local (null, QEMU) builds have an artifact, not a template in a store.
  if (!entry || entry.platform === 'local') return ['Artifact', job.artifactId ?? '-'];
  return ['Template', `${entry.base_name}-build`];
}

function elapsedOf(job: Job, now: Date): string {
  return formatElapsed(job.startedAt ?? job.createdAt, job.finishedAt ? new Date(job.finishedAt) : now);
}

/** The one-line summary: the notification text, and what screen readers read. */
export function summarizeJob(job: Job, now: Date): string {
  const elapsed = elapsedOf(job, now);
  switch (job.state) {
    case 'queued':
      return `Job ${job.id}: ${job.line} is queued`;
    case 'running':
      return `Job ${job.id}: ${job.line} is ${job.cancelRequested ? 'stopping' : 'running'}${job.stage ? ` (${job.stage})` : ''}, ${elapsed}`;
    case 'succeeded':
      return `Job ${job.id}: ${job.line} built in ${elapsed}`;
    case 'failed':
      return `Job ${job.id}: ${job.line} failed${job.stage ? ` at ${job.stage}` : ''} after ${elapsed}`;
    default:
      return `Job ${job.id}: ${job.line} was ${job.state} after ${elapsed}`;
  }
}

/**
 * The channel message of one job, in Block Kit: state, stage and elapsed time
 * with a Cancel button while it runs; the record, log SHA-256, template and
 * promotion pull request on success; the stage, exit code and last log lines
 * (scrubbed) on failure.
 *
 * @example
 * const { text, blocks } = renderJobMessage(job, { entry, now: new Date() });
 * await client.chat.update({ channel, ts, text, blocks });
 */
export function renderJobMessage(job: Job, context: JobMessageContext): { text: string; blocks: Block[] } {
  const text = summarizeJob(job, context.now);
  const header = `${ICONS[job.state]} *${escapeMrkdwn(text)}*`;
  const fields: string[] = [`*Requested by*\n${describeRequester(job.requester)}`, `*Elapsed*\n${elapsedOf(job, context.now)}`];
  // A build on a CI engine links its run: that is where its steps and runner can be seen.
  if (job.remote?.runUrl) fields.push(`*Runs on*\n<${job.remote.runUrl}|GitHub Actions run ${job.remote.runId}>`);
  const blocks: Block[] = [{ type: 'section', text: { type: 'mrkdwn', text: header } }];

  if (job.state === 'queued' || job.state === 'running') {
    const stopping = job.executor === 'local' ? 'stopping (Packer is cleaning up)' : 'stopping (the CI run is being cancelled)';
    fields.unshift(`*Stage*\n${escapeMrkdwn(job.cancelRequested ? stopping : (job.stage ?? job.state))}`);
    if (job.state === 'running' && job.startedAt) fields.push(`*Progress*\n\`${formatProgressBar(context.now.getTime() - Date.parse(job.startedAt), context.typicalMs)}\``);
    blocks.push({ type: 'section', fields: fields.map((field) => ({ type: 'mrkdwn', text: field })) });
    if (context.lastLine) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(context.lastLine.slice(0, 280)) }] });
    if (!job.cancelRequested) {
      blocks.push({
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: CANCEL_JOB_ACTION,
            text: { type: 'plain_text', text: 'Cancel' },
            style: 'danger',
            value: String(job.id),
            confirm: {
              title: { type: 'plain_text', text: `Cancel job ${job.id}?` },
              text: {
                type: 'mrkdwn',
                text: job.executor === 'local' ? `Packer stops and cleans up the half-built VM of *${escapeMrkdwn(job.line)}*.` : `The CI run of *${escapeMrkdwn(job.line)}* is cancelled; its Packer stops and cleans up.`,
              },
              confirm: { type: 'plain_text', text: 'Cancel the build' },
              deny: { type: 'plain_text', text: 'Keep building' },
            },
          },
        ],
      });
    }
    return { text, blocks };
  }

  if (job.state === 'succeeded') {
    const [templateLabel, template] = templateOf(job, context.entry);
    fields.push(`*Record*\n\`${escapeMrkdwn(job.recordPath ?? '-')}\``, `*${templateLabel}*\n\`${escapeMrkdwn(template)}\``);
    fields.push(`*Promotion*\n${context.pullRequest ? `<${context.pullRequest}|pull request>` : 'no pull request yet'}`);
    blocks.push({ type: 'section', fields: fields.map((field) => ({ type: 'mrkdwn', text: field })) });
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Log SHA-256 \`${job.logSha256 ?? '-'}\`` }] });
    return { text, blocks };
  }

  if (job.stage) fields.unshift(`*Stage*\n${escapeMrkdwn(job.stage)}`);
  if (job.exitCode !== null) fields.push(`*Exit code*\n${job.exitCode}`);
  blocks.push({ type: 'section', fields: fields.map((field) => ({ type: 'mrkdwn', text: field })) });
  if (job.reason) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(job.reason.slice(0, 2900)) } });
  if (job.tail) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Last lines of the log* (secrets scrubbed)\n${codeBlock(job.tail, 2600)}` } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `\`/image log ${job.id}\` shows more of the log` }] });
  return { text, blocks };
}
