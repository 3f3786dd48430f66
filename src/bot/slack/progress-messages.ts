import { FINAL_STATES, type Job } from '../../pipeline/job-types.js';
import type { MessageRef, SlackMessageStore } from './slack-message-store.js';
import type { Block } from './slack-text.js';

/** The two Web API calls progress needs (a WebClient's `chat`), narrowed so any client fits. */
export interface ChatApi {
  postMessage(args: { channel: string; text: string; blocks: Block[]; unfurl_links: boolean }): Promise<{ channel?: string; ts?: string }>;
  update(args: { channel: string; ts: string; text: string; blocks: Block[] }): Promise<unknown>;
}

export interface ProgressMessagesOptions {
  chat: ChatApi;
  channel: string;
  messages: SlackMessageStore;
  render: (job: Job, lastLine: string | undefined, now: Date) => { text: string; blocks: Block[] };
  /** The job as the store has it now (the tick re-reads running jobs for their elapsed time). */
  readJob: (id: number) => Job | undefined;
  /** Least time between two updates of one message (default 5 s); a job's final state skips it. */
  jobIntervalMs?: number;
  /**
   * Least time between any two calls (default 1.1 s): chat.postMessage allows
   * about one message a second per channel, chat.update about 50 a minute.
   */
  channelIntervalMs?: number;
  /** How often running jobs' messages are refreshed for their elapsed time and progress bar (default 10 s). */
  tickMs?: number;
  onError?: (error: Error, job: Job) => void;
}

interface Entry {
  job: Job;
  lastLine: string | undefined;
  dirty: boolean;
  sentAt: number;
  failures: number;
}

const MAX_FAILURES = 3;

function retryAfterOf(error: unknown): number | undefined {
  const { code, retryAfter } = error as { code?: string; retryAfter?: number };
  return code === 'slack_webapi_rate_limited_error' && typeof retryAfter === 'number' ? retryAfter : undefined;
}

function platformErrorOf(error: unknown): string | undefined {
  const { code, data } = error as { code?: string; data?: { error?: string } };
  return code === 'slack_webapi_platform_error' ? data?.error : undefined;
}

/**
 * One channel message per job, updated in place. Job updates arrive as fast
 * as the build produces them; this keeps only the newest state of each job
 * and sends it no more often than `jobIntervalMs` per message and
 * `channelIntervalMs` overall, and pauses for Retry-After when Slack says
 * `ratelimited` anyway, so a burst of stages never turns into a burst of
 * calls. Sending never blocks the caller.
 *
 * @example
 * const progress = new ProgressMessages({ chat: client.chat, channel: 'C123', messages, render, readJob: (id) => store.get(id) });
 * queue.on('update', (job, lastLine) => progress.notice(job, lastLine));
 */
export class ProgressMessages {
  private readonly entries = new Map<number, Entry>();
  private sending = false;
  private flushing = false;
  private stopped = false;
  private lastCallAt = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly ticker: NodeJS.Timeout;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: ProgressMessagesOptions) {
    this.ticker = setInterval(() => this.tick(), options.tickMs ?? 10_000);
    this.ticker.unref();
  }

  /** A job changed: its message will show this state soon. */
  notice(job: Job, lastLine?: string): void {
    if (this.stopped) return;
    const entry = this.entries.get(job.id) ?? { job, lastLine: undefined, dirty: true, sentAt: 0, failures: 0 };
    entry.job = job;
    if (lastLine !== undefined) entry.lastLine = lastLine;
    entry.dirty = true;
    this.entries.set(job.id, entry);
    this.pump();
  }

  /** A running job printed a line: its message shows it at the next update (coalesced; the stage is not re-read). */
  noticeLine(jobId: number, line: string): void {
    const entry = this.entries.get(jobId);
    if (this.stopped || !entry || entry.lastLine === line) return;
    entry.lastLine = line;
    entry.dirty = true;
    this.pump();
  }

  /** Sends the message of `jobId` again from the store (for example when its promotion pull request opens). */
  refresh(jobId: number): void {
    const job = this.options.readJob(jobId);
    if (job && this.options.messages.get(jobId)) this.notice(job);
  }

  /** Sends every pending update now, ignoring the per-message interval; resolves when done or after `timeoutMs`. */
  async flush(timeoutMs = 5_000): Promise<void> {
    this.flushing = true;
    this.pump();
    await Promise.race([new Promise<void>((resolve) => (this.isIdle() ? resolve() : this.idleWaiters.push(resolve))), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    this.flushing = false;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.ticker);
    clearTimeout(this.timer);
  }

  private isIdle(): boolean {
    return !this.sending && ![...this.entries.values()].some((entry) => entry.dirty);
  }

  private tick(): void {
    for (const entry of this.entries.values()) {
      if (entry.dirty || entry.job.state !== 'running') continue;
      entry.job = this.options.readJob(entry.job.id) ?? entry.job;
      entry.dirty = true;
    }
    this.pump();
  }

  private readyAt(entry: Entry): number {
    const final = FINAL_STATES.includes(entry.job.state);
    if (this.flushing || final || entry.sentAt === 0) return 0;
    return entry.sentAt + (this.options.jobIntervalMs ?? 5_000);
  }

  private pump(): void {
    if (this.sending || this.stopped) return;
    clearTimeout(this.timer);
    let next: Entry | undefined;
    for (const entry of this.entries.values()) if (entry.dirty && (!next || this.readyAt(entry) < this.readyAt(next))) next = entry;
    if (!next) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    const at = Math.max(this.readyAt(next), this.lastCallAt + (this.options.channelIntervalMs ?? 1_100), this.pausedUntil);
    const wait = at - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.pump(), wait);
      return;
    }
    void this.send(next);
  }

  private async send(entry: Entry): Promise<void> {
    this.sending = true;
    entry.dirty = false;
    this.lastCallAt = Date.now();
    const { job } = entry;
    const { text, blocks } = this.options.render(job, entry.lastLine, new Date());
    const known = this.options.messages.get(job.id);
    try {
      if (known) await this.options.chat.update({ channel: known.channel, ts: known.ts, text, blocks });
      else {
        const posted = await this.options.chat.postMessage({ channel: this.options.channel, text, blocks, unfurl_links: false });
        if (!posted.ts) throw new Error('chat.postMessage answered without a ts');
        const ref: MessageRef = { channel: posted.channel ?? this.options.channel, ts: posted.ts };
        this.options.messages.save(job.id, ref);
      }
      entry.sentAt = Date.now();
      entry.failures = 0;
      if (FINAL_STATES.includes(job.state) && !entry.dirty) this.entries.delete(job.id);
    } catch (error) {
      this.fail(entry, error, known);
    } finally {
      this.sending = false;
      this.pump();
    }
  }

  private fail(entry: Entry, error: unknown, known: MessageRef | undefined): void {
    const retryAfter = retryAfterOf(error);
    if (retryAfter !== undefined) {
      // Slack asked us to wait: everything waits, and the newest state goes out afterwards.
      this.pausedUntil = Date.now() + retryAfter * 1000;
      entry.dirty = true;
      return;
    }
    this.options.onError?.(error as Error, entry.job);
    const platform = platformErrorOf(error);
    if (known && (platform === 'message_not_found' || platform === 'channel_not_found')) {
      // Someone deleted the message: post a new one rather than lose the job's progress.
      this.options.messages.forget(entry.job.id);
    }
    entry.failures += 1;
    entry.sentAt = Date.now();
    if (entry.failures < MAX_FAILURES) entry.dirty = true;
    else if (FINAL_STATES.includes(entry.job.state)) this.entries.delete(entry.job.id);
  }
}
