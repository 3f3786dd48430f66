import type { RespondArguments, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { describeBusyLine } from '../../pipeline/describe-busy-line.js';
import { formatElapsed } from '../../pipeline/format-job.js';
import type { Job } from '../../pipeline/job-types.js';
import { readReadableLogTail } from '../../pipeline/readable-log-lines.js';
import type { LineTemplates } from '../../pipeline/template-operations.js';
import { parseImageCommand, type ImageCommand } from '../parse-image-command.js';
import { answerRevoke } from './answer-revoke.js';
import { formatHelp } from './format-help.js';
import { formatLineList } from './format-line-list.js';
import { formatLineHealth, formatStatus } from './format-status.js';
import { renderRollbackPrompt } from './render-rollback-prompt.js';
import { recordRefusal, type SlackBotContext } from './slack-bot-context.js';
import { codeBlock, describeRequester, escapeMrkdwn, formatUtc, type Block } from './slack-text.js';

const LOG_LINES = 40;
/** Slack wants an answer on a response_url within 30 minutes; templates and audits answer far sooner or say why not. */
const SLOW_ANSWER_MS = 60_000;

const ephemeral = (text: string, blocks?: Block[]): RespondArguments => (blocks ? { response_type: 'ephemeral', text, blocks } : { response_type: 'ephemeral', text });

/** `ubuntu-24.04 is busy: job 12 (running, provisioning) was requested by @alice and has held it since … (4:10).` */
function describeBusy(holder: Job, now: Date): string {
  const since = holder.startedAt ?? holder.createdAt;
  return (
    `*${escapeMrkdwn(holder.line)}* is busy: job ${holder.id} (${holder.state}${holder.stage ? `, ${escapeMrkdwn(holder.stage)}` : ''}) ` +
    `was requested by ${describeRequester(holder.requester)} and has held the line since ${formatUtc(since)} (${formatElapsed(since, now)} ago). ` +
    `Wait for it, or cancel it with \`/image cancel ${holder.id}\`.`
  );
}

/** The job holding `line` as the job store would name it: the oldest queued or running one. */
function holderOf(active: readonly Job[], line: string): Job | undefined {
  return active.filter((job) => job.line === line).sort((a, b) => a.id - b.id)[0];
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${SLOW_ANSWER_MS / 1000} s; try again, and check the goldsmith serve log`)), SLOW_ANSWER_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function answerLog(context: SlackBotContext, id: number): Promise<string> {
  const job = context.store.get(id);
  if (!job) return `There is no job ${id}; \`/image status\` lists the jobs.`;
  if (!job.logPath) return `Job ${id} has no log yet (it is ${job.state}).`;
  try {
    // Packer's own lines, once: its debug output would fill the message with [TRACE].
    const lines = await readReadableLogTail(job.logPath, LOG_LINES, 1 << 20);
    return `*The last ${lines.length} lines of job ${id}'s log* (${escapeMrkdwn(job.line)}, ${job.state}; secrets scrubbed)\n${codeBlock(lines.join('\n'), 3500)}`;
  } catch (error) {
    return `The log of job ${id} cannot be read (${escapeMrkdwn((error as NodeJS.ErrnoException).code ?? (error as Error).message)}); it is kept under the job store's state_dir on the build host.`;
  }
}

async function answerList(context: SlackBotContext): Promise<string> {
  const settled = await Promise.allSettled(context.matrix.map((entry) => withTimeout(context.templates.templates(entry.key), `reading the templates of ${entry.key}`)));
  const templates = new Map<string, LineTemplates | Error>(
    context.matrix.map((entry, index) => {
      const outcome = settled[index]!;
      return [entry.key, outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error)];
    }),
  );
  return formatLineList(context.matrix, context.store, templates);
}

async function answerAudit(context: SlackBotContext): Promise<string> {
  const digest = await withTimeout(context.audit(), 'the audit');
  const head = `${digest.ok ? ':white_check_mark:' : ':x:'} ${escapeMrkdwn(digest.summary)}`;
  if (digest.findings.length === 0) return head;
  return `${head}\n${codeBlock(digest.findings.join('\n'), 2800)}\nRun \`goldsmith audit\` on the records for the full report.`;
}

/**
 * Runs one parsed command. Whatever the job store can answer is the ack
 * itself; answers that reach out (templates, the auditor) ack at once with
 * nothing and follow on the response_url, so Slack never waits.
 */
async function runCommand(context: SlackBotContext, command: ImageCommand, args: SlackCommandMiddlewareArgs): Promise<void> {
  const { ack, respond } = args;
  const user = args.command.user_id;
  const requester = { source: 'slack' as const, user };
  const refuse = async (action: string, permission: 'build' | 'cancel' | 'rollback' | 'revoke', message: string) => {
    recordRefusal(context, user, action, permission, message);
    await ack(ephemeral(`:no_entry: Not done: ${message}`));
  };

  switch (command.verb) {
    case 'help':
      return ack(ephemeral(formatHelp(context.channel)));
    case 'status': {
      // The live templates' health comes from the records (no store is asked): revoked or expired lines are flagged.
      const health = context.revocations.health().filter((line) => command.line === undefined || line.line === command.line);
      const flags = command.job === undefined ? formatLineHealth(health) : '';
      return ack(ephemeral([formatStatus(context.store, command, new Date(), context.overview), flags].filter(Boolean).join('\n\n')));
    }
    case 'revoke':
    case 'unrevoke': {
      const verdict = await context.authorizer.check('revoke', user);
      if (verdict !== true) return refuse(`${command.verb} ${command.line} ${command.record}`, 'revoke', verdict);
      await ack();
      return void (await respond(ephemeral(await answerRevoke(context, command, user))));
    }
    case 'log':
      return ack(ephemeral(await answerLog(context, command.job)));
    case 'build': {
      const verdict = await context.authorizer.check('build', user);
      if (verdict !== true) return refuse(`build ${command.line}`, 'build', verdict);
      // A line this process knows is busy is refused from memory, its refusal written to the audit trail
      // in the next batch: a burst of build requests then costs no SQLite transaction each. Anything the
      // overview does not show as busy goes to the queue, which decides inside a transaction.
      const holder = holderOf(context.overview().active, command.line);
      if (holder) {
        context.laterEvents.add(null, 'refused', `build ${command.line} for slack:${user}: ${describeBusyLine(holder)}`);
        return ack(ephemeral(`:no_entry: Not queued: ${describeBusy(holder, new Date())}`));
      }
      const [result] = context.queue.request(command.line, requester);
      if (!result) return ack(ephemeral(`Nothing was queued for ${escapeMrkdwn(command.line)}.`));
      if (!result.ok) return ack(ephemeral(`:no_entry: Not queued: ${result.holder ? describeBusy(result.holder, new Date()) : escapeMrkdwn(result.message)}`));
      context.logger.info({ user, job: result.job.id, line: command.line }, 'build queued');
      const follow = context.channel ? ` Follow it in <#${context.channel}>.` : ` Follow it with \`/image status ${result.job.id}\`.`;
      return ack(ephemeral(`:hourglass: Queued *${escapeMrkdwn(command.line)}* as job ${result.job.id}.${follow}`));
    }
    case 'cancel': {
      const verdict = await context.authorizer.check('cancel', user);
      if (verdict !== true) return refuse(`cancel job ${command.job}`, 'cancel', verdict);
      if (!context.store.get(command.job)) return ack(ephemeral(`There is no job ${command.job}; \`/image status\` lists the jobs.`));
      const result = context.queue.cancel(command.job, requester);
      if (!result.ok) return ack(ephemeral(`:no_entry: ${escapeMrkdwn(result.message)}.`));
      context.logger.info({ user, job: command.job }, 'cancel requested');
      return ack(
        ephemeral(
          result.job.state === 'cancelled'
            ? `Cancelled job ${command.job} (${escapeMrkdwn(result.job.line)}) before it started.`
            : `Stopping job ${command.job} (${escapeMrkdwn(result.job.line)}): ${result.job.executor === 'local' ? 'Packer is cleaning up the half-built VM' : 'its CI run is being cancelled, and Packer on the runner cleans up'}.`,
        ),
      );
    }
    case 'rollback': {
      const verdict = await context.authorizer.check('rollback', user);
      if (verdict !== true) return refuse(`rollback ${command.line}`, 'rollback', verdict);
      const entry = context.matrix.find((candidate) => candidate.key === command.line)!;
      const prompt = renderRollbackPrompt(entry);
      return ack(ephemeral(prompt.text, prompt.blocks));
    }
    case 'list':
      await ack();
      return void (await respond(ephemeral(await answerList(context))));
    case 'audit':
      await ack();
      return void (await respond(ephemeral(await answerAudit(context))));
  }
}

/**
 * The `/image` slash command listener: parses the text with the shared
 * grammar (a bad word or a stray `;` is an ephemeral error, never a job),
 * checks permissions, and answers.
 *
 * @example
 * app.command('/image', handleImageCommand(context));
 */
export function handleImageCommand(context: SlackBotContext): (args: SlackCommandMiddlewareArgs) => Promise<void> {
  return async (args) => {
    const parsed = parseImageCommand(args.command.text ?? '', { matrix: context.matrix });
    if (!parsed.ok) {
      context.logger.info({ user: args.command.user_id, length: args.command.text?.length ?? 0 }, 'unreadable /image command');
      await args.ack(ephemeral(`:warning: ${escapeMrkdwn(parsed.message)}`));
      return;
    }
    let acked = false;
    const ack: typeof args.ack = async (response) => {
      acked = true;
      await args.ack(response);
    };
    try {
      await runCommand(context, parsed.command, { ...args, ack });
    } catch (error) {
      context.logger.error({ err: error, user: args.command.user_id, verb: parsed.command.verb }, '/image failed');
      const message = ephemeral(`:x: \`/image ${parsed.command.verb}\` failed: ${escapeMrkdwn((error as Error).message)}`);
      if (acked) await args.respond(message).catch(() => undefined);
      else await args.ack(message);
    }
  };
}
