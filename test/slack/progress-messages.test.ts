import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { ProgressMessages } from '../../src/bot/slack/progress-messages.js';
import { renderJobMessage } from '../../src/bot/slack/render-job-message.js';
import { SlackMessageStore } from '../../src/bot/slack/slack-message-store.js';
import { jobStorePathOf, openJobStore } from '../../src/pipeline/open-job-store.js';
import type { JobStore } from '../../src/pipeline/job-store.js';
import { FakeSlackApi, type FakeSlackOptions } from '../fakes/slack-api.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';

const TOKEN = 'xoxb-progress-test';
const CHANNEL = 'C0PROGRESS';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(limits: FakeSlackOptions['minIntervalMs'], intervals: { jobIntervalMs: number; channelIntervalMs: number }) {
  const env = makePipelineEnv();
  const store = openJobStore(env.config);
  const messages = SlackMessageStore.open(jobStorePathOf(env.config));
  const slack = await FakeSlackApi.start({ token: TOKEN, minIntervalMs: limits, retryAfterSeconds: 1 });
  // The client serve uses: no retries in tests, and a 429 handed back to the coalescer.
  const client = new webApi.WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  const start = () => {
    const progress = new ProgressMessages({
      chat: { postMessage: (args) => client.chat.postMessage(args), update: (args) => client.chat.update(args) },
      channel: CHANNEL,
      messages,
      readJob: (id) => store.get(id),
      render: (job, lastLine, now) => renderJobMessage(job, { entry: env.matrix.find((entry) => entry.key === job.line), lastLine, now }),
      tickMs: 60_000,
      ...intervals,
    });
    cleanups.push(() => progress.stop());
    return progress;
  };
  cleanups.push(async () => {
    messages.close();
    store.close();
    await slack.close();
  });
  return { store, slack, start };
}

/** A job through queued, running, many stage changes, and success, each reported as the queue would. */
function runThrough(store: JobStore, progress: ProgressMessages, stages: number): number {
  const queued = store.request('test-ok', { source: 'cli', user: 'alice' });
  if (!queued.ok) throw new Error(queued.message);
  progress.notice(queued.job);
  progress.notice(store.claimNext(2)!);
  for (let index = 0; index < stages; index += 1) {
    store.setStage(queued.job.id, index % 2 === 0 ? 'provisioning' : 'booting');
    progress.notice(store.get(queued.job.id)!, `line ${index}`);
  }
  progress.notice(store.finish(queued.job.id, { state: 'succeeded', reason: null, exitCode: 0, recordPath: 'builds/test-ok/20260307T020000Z', logSha256: 'a'.repeat(64) }));
  return queued.job.id;
}

describe('progress messages', () => {
  it('coalesces a burst of updates into a few calls on one message, spaced, ending with the final state', async () => {
    const { store, slack, start } = await setUp({ 'chat.postMessage': 80, 'chat.update': 80 }, { jobIntervalMs: 250, channelIntervalMs: 150 });
    const progress = start();
    runThrough(store, progress, 200);
    await progress.flush(10_000);
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
    expect(slack.callsOf('chat.update').length).toBeLessThanOrEqual(2);
    const [message] = slack.messagesIn(CHANNEL);
    expect(message!.text).toMatch(/^Job 1: test-ok built in/);
    expect(slack.calls.filter((call) => call.status === 429)).toEqual([]);
    const times = slack.calls.filter((call) => call.method.startsWith('chat.')).map((call) => call.at);
    // Spaced by the channel interval (150 ms) as sent; arrival adds the jitter of connections and of a loaded
    // machine (76 ms seen), so a third of it is asserted: calls sent without spacing arrive within a few ms.
    for (let index = 1; index < times.length; index += 1) expect(times[index]! - times[index - 1]!).toBeGreaterThanOrEqual(50);
  });

  it('waits out Retry-After when Slack says ratelimited, then sends the newest state', async () => {
    const { store, slack, start } = await setUp({ 'chat.update': 900 }, { jobIntervalMs: 0, channelIntervalMs: 20 });
    const progress = start();
    const queued = store.request('test-ok', { source: 'cli', user: 'alice' });
    if (!queued.ok) throw new Error(queued.message);
    progress.notice(queued.job);
    await slack.waitFor(() => slack.callsOf('chat.postMessage').length === 1);
    progress.notice(store.claimNext(2)!);
    await slack.waitFor(() => slack.callsOf('chat.update').length === 1);
    store.setStage(queued.job.id, 'provisioning');
    progress.notice(store.get(queued.job.id)!);
    await slack.waitFor(() => slack.calls.some((call) => call.status === 429));
    progress.notice(store.finish(queued.job.id, { state: 'failed', reason: 'stopped', exitCode: 1, tail: 'last words' }));
    await progress.flush(10_000);
    const limited = slack.calls.findIndex((call) => call.status === 429);
    const after = slack.calls[limited + 1]!;
    expect(after.method).toBe('chat.update');
    expect(after.at - slack.calls[limited]!.at).toBeGreaterThanOrEqual(950);
    expect(slack.calls.filter((call) => call.status === 429)).toHaveLength(1);
    // The stage that was refused is never sent: the newest state (failed) replaces it.
    expect(slack.calls.slice(limited + 1).map((call) => String(call.args.text))).toEqual([expect.stringMatching(new RegExp(`^Job ${queued.job.id}: test-ok failed at provisioning`))]);
    expect(slack.messagesIn(CHANNEL)[0]!.text).toMatch(/failed at provisioning/);
  });

  it('updates the same message after a restart, from the ts kept in the job store', async () => {
    const { store, slack, start } = await setUp({}, { jobIntervalMs: 0, channelIntervalMs: 0 });
    const first = start();
    const queued = store.request('test-ok', { source: 'cli', user: 'alice' });
    if (!queued.ok) throw new Error(queued.message);
    first.notice(queued.job);
    await first.flush();
    first.stop();
    const second = start();
    second.notice(store.cancel(queued.job.id, { source: 'cli', user: 'bob' }).ok ? store.get(queued.job.id)! : queued.job);
    await second.flush();
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
    expect(slack.callsOf('chat.update')).toHaveLength(1);
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
    expect(slack.messagesIn(CHANNEL)[0]!.text).toBe(`Job ${queued.job.id}: test-ok was cancelled after 0:00`);
  });
});
