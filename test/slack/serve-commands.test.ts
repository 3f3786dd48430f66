import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { jobStorePathOf, openJobStore } from '../../src/pipeline/open-job-store.js';
import type { JobStore } from '../../src/pipeline/job-store.js';
import type { Job } from '../../src/pipeline/job-types.js';
import { BUILDER, CHANNEL, OPS_LEAD, SIGNING_SECRET, VISITOR, startSlackServeEnv, type SlackServeEnv } from '../helpers/slack-serve-env.js';
import { postSlack, signSlackBody, slashCommandBody } from '../helpers/slack-requests.js';
import type { ChannelMessage } from '../fakes/slack-api.js';
import { BAD_INPUT } from './bad-input-corpus.js';

const SECRET = 'Vc3nter/Pa55"w0rd';
let s: SlackServeEnv;
let store: JobStore;

beforeAll(async () => {
  s = await startSlackServeEnv({ env: { VSPHERE_PASSWORD: SECRET } });
  store = openJobStore(s.env.config);
});

afterAll(async () => {
  store?.close();
  await s?.close();
});

const jobCount = () => store.list({ limit: 1000 }).length;
const messageOf = (jobId: number): ChannelMessage | undefined =>
  s.slack.messagesIn(CHANNEL).find((message) => message.history.some((version) => version.text.startsWith(`Job ${jobId}:`)));
const allText = (blocks: unknown[]) => JSON.stringify(blocks);
const buttonsOf = (blocks: unknown[]) => [...allText(blocks).matchAll(/"action_id":"([^"]+)"/g)].map((match) => match[1]);

async function waitForJob(id: number, done: (job: Job) => boolean, what: string): Promise<Job> {
  return s.slack.waitFor(() => {
    const job = store.get(id);
    return job && done(job) ? job : undefined;
  }, 30_000, what);
}

async function queue(line: string, user = BUILDER): Promise<number> {
  const answer = await s.command(`build ${line}`, user);
  const id = /as job (\d+)/.exec(answer.json?.text ?? '')?.[1];
  if (!id) throw new Error(`not queued: ${answer.text}`);
  return Number(id);
}

describe('goldsmith serve: Slack requests', () => {
  it('refuses a bad signature, an old timestamp and a missing signature with 401, doing nothing', async () => {
    const events = `${s.serve.url}/slack/events`;
    const before = { jobs: jobCount(), calls: s.slack.calls.length };
    const body = slashCommandBody({ text: 'build test-ok', user_id: BUILDER, response_url: s.slack.responseUrl() });
    const forged = await postSlack(events, body, { secret: 'not-the-secret' });
    const stale = await postSlack(events, body, { secret: SIGNING_SECRET, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const unsigned = await fetch(events, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const tampered = await fetch(events, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackBody(SIGNING_SECRET, body.replace('test-ok', 'test-fail')) },
      body,
    });
    expect([forged.status, stale.status, unsigned.status, tampered.status]).toEqual([401, 401, 401, 401]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(jobCount()).toBe(before.jobs);
    expect(s.slack.calls.length).toBe(before.calls);
    expect(s.slack.responses).toEqual([]);
  });

  it('answers 404 outside its routes, and serves /healthz', async () => {
    expect((await fetch(`${s.serve.url}/slack/other`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(`${s.serve.url}/nope`)).status).toBe(404);
    const health = await fetch(`${s.serve.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, version: expect.any(String), next_scheduled_run: null, slack_socket: 'off' });
  });

  it('answers help, and an unknown word with the closest commands, ephemerally', async () => {
    const help = await s.command('help', VISITOR);
    expect(help.status).toBe(200);
    expect(help.json).toMatchObject({ response_type: 'ephemeral' });
    for (const verb of ['build', 'status', 'list', 'cancel', 'rollback', 'log', 'audit', 'help']) expect(help.json?.text).toContain(`\`/image ${verb}`);
    const typo = await s.command('staus', VISITOR);
    expect(typo.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('unknown command "staus"; did you mean "status"?') });
    const line = await s.command('build tset-ok', BUILDER);
    expect(line.json?.text).toContain('unknown line "tset-ok"; did you mean "test-ok"');
  });

  it.each(BAD_INPUT)('refuses $what with a clear ephemeral error and no job', async ({ text, says }) => {
    const before = jobCount();
    const answer = await s.command(text, BUILDER);
    expect(answer.status).toBe(200);
    expect(answer.json?.response_type).toBe('ephemeral');
    expect(answer.json?.text).toMatch(/^:warning: /);
    // The answer is mrkdwn: what the user typed comes back escaped, so a `<@U…>` or `<!channel>` never renders.
    expect(answer.json?.text?.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toMatch(says);
    expect(answer.json?.text).not.toMatch(/<[@!#]/);
    expect(jobCount()).toBe(before);
  });

  it('builds a line with one channel message, updated in place at each stage, ending with the evidence', async () => {
    const id = await queue('test-paced');
    const job = await waitForJob(id, (candidate) => candidate.state === 'succeeded', 'test-paced to succeed');
    const message = await s.slack.waitFor(() => {
      const found = messageOf(id);
      return found?.text.includes('built') ? found : undefined;
    }, 10_000, 'the final message');
    // One message: posted once, then only updated, always at its ts.
    const posts = s.slack.callsOf('chat.postMessage').filter((call) => String(call.args.text).startsWith(`Job ${id}:`));
    expect(posts).toHaveLength(1);
    const updates = s.slack.callsOf('chat.update').filter((call) => String(call.args.text).startsWith(`Job ${id}:`));
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(updates.map((call) => call.args.ts))).toEqual(new Set([message.ts]));
    // Each stage with its elapsed time, and a Cancel button only while it runs.
    const texts = message.history.map((version) => version.text);
    expect(texts.some((text) => /running \(provisioning\), 0:0\d$/.test(text))).toBe(true);
    const running = message.history.find((version) => version.text.includes('running'))!;
    expect(buttonsOf(running.blocks)).toEqual(['goldsmith_cancel_job']);
    expect(allText(running.blocks)).toContain(`"value":"${id}"`);
    expect(buttonsOf(message.blocks)).toEqual([]);
    // The end: record path, log SHA-256, template (here the null builder's artifact).
    expect(message.text).toMatch(new RegExp(`^Job ${id}: test-paced built in 0:0\\d$`));
    const final = allText(message.blocks);
    expect(final).toContain(job.recordPath!);
    expect(final).toContain(job.logSha256!);
    expect(final).toContain('*Artifact*\\n`Null`');
    expect(final).toContain('no pull request yet');
    expect(s.slack.calls.filter((call) => call.status === 429)).toEqual([]);
  });

  it('ends a failed build with the stage, exit code and the last lines of the log', async () => {
    const id = await queue('test-fail');
    await waitForJob(id, (job) => job.state === 'failed', 'test-fail to fail');
    const message = await s.slack.waitFor(() => (messageOf(id)?.text.includes('failed') ? messageOf(id) : undefined), 10_000, 'the failure message');
    expect(message.text).toMatch(new RegExp(`^Job ${id}: test-fail failed at provisioning after`));
    const blocks = allText(message.blocks);
    expect(blocks).toContain('*Exit code*\\n1');
    expect(blocks).toContain('E: Unable to locate package nonexistent');
    expect(blocks).toContain('Last lines of the log');
  });

  it('shows status of everything, of one job and of one line, to anyone', async () => {
    const everything = await s.command('status', VISITOR);
    expect(everything.json?.text).toMatch(/\*Recently finished\*\n• job \d+ \*test-fail\* failed/);
    const [failed] = store.list({ line: 'test-fail', limit: 1 });
    const one = await s.command(`status ${failed!.id}`, VISITOR);
    expect(one.json?.text).toContain(`job ${failed!.id} *test-fail* failed`);
    expect(one.json?.text).toContain('exit code 1');
    const line = await s.command('status test-paced', VISITOR);
    expect(line.json?.text).toMatch(/\*test-paced\*: the latest jobs\n• job \d+ \*test-paced\* succeeded/);
    const missing = await s.command('status 9999', VISITOR);
    expect(missing.json?.text).toContain('There is no job 9999');
  });

  it('shows the end of a job log, scrubbed', async () => {
    const [failed] = store.list({ line: 'test-fail', limit: 1 });
    const log = await s.command(`log ${failed!.id}`, VISITOR);
    expect(log.json?.text).toContain(`job ${failed!.id}'s log`);
    expect(log.json?.text).toContain('E: Unable to locate package nonexistent');
    const none = await s.command('log 9999', VISITOR);
    expect(none.json?.text).toContain('There is no job 9999');
  });

  it('keeps a secret out of /image log', async () => {
    const id = await queue('test-leaky');
    await waitForJob(id, (job) => job.state !== 'queued' && job.state !== 'running', 'test-leaky to end');
    const log = await s.command(`log ${id}`, VISITOR);
    expect(log.json?.text).toContain('[REDACTED]');
    expect(log.json?.text).not.toContain(SECRET);
    expect(log.json?.text).not.toContain('Vc3n');
  });

  it('refuses a build, a cancel and a rollback without the permission, names it, and keeps the refusal', async () => {
    const before = jobCount();
    const build = await s.command('build test-ok', VISITOR);
    expect(build.json?.text).toContain(':no_entry: Not done: you need the *build* permission: it is held by <@U0BUILDER>, <!subteam^S0OPS>');
    const cancel = await s.command('cancel 1', OPS_LEAD);
    expect(cancel.json?.text).toContain('you need the *cancel* permission');
    const rollback = await s.command('rollback test-ok', BUILDER);
    expect(rollback.json?.text).toContain('you need the *rollback* permission');
    expect(jobCount()).toBe(before);
    const refusals = serviceEvents().filter((event) => event.kind === 'refused');
    expect(refusals.map((event) => event.detail)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^slack:U0VISITOR build test-ok: missing permission build: /),
        expect.stringMatching(/^slack:U0OPSLEAD cancel job 1: missing permission cancel: /),
        expect.stringMatching(/^slack:U0BUILDER rollback test-ok: missing permission rollback: /),
      ]),
    );
  });

  it('lets a user group member build, reading the group once', async () => {
    const id = await queue('test-ok-2', OPS_LEAD);
    await waitForJob(id, (job) => job.state === 'succeeded', 'test-ok-2 to succeed');
    expect(store.get(id)!.requester).toEqual({ source: 'slack', user: OPS_LEAD });
    expect(s.slack.callsOf('usergroups.users.list')).toHaveLength(1);
  });

  it('refuses a build of a busy line, naming who holds it, since when, and the job; then cancels it', async () => {
    const holder = await queue('test-long');
    await waitForJob(holder, (job) => job.stage === 'provisioning', 'test-long to provision');
    const busy = await s.command('build test-long', OPS_LEAD);
    expect(busy.json?.text).toMatch(
      new RegExp(`^:no_entry: Not queued: \\*test-long\\* is busy: job ${holder} \\(running, provisioning\\) was requested by <@U0BUILDER> and has held the line since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(0:\\d\\d ago\\)\\. Wait for it, or cancel it with \`/image cancel ${holder}\`\\.$`),
    );
    // Refusals of a busy line are written to the audit trail in batches, within a second.
    const refusal = await s.slack.waitFor(() => serviceEvents().find((event) => event.kind === 'refused' && event.detail.includes(`build test-long for slack:${OPS_LEAD}`)), 5_000, 'the refusal in the audit trail');
    expect(refusal.detail).toMatch(new RegExp(`^build test-long for slack:${OPS_LEAD}: test-long is busy: job ${holder} \\(running, provisioning\\) was requested by ${BUILDER} via slack and has held the line since \\d{4}-`));
    const cancel = await s.command(`cancel ${holder}`, BUILDER);
    expect(cancel.json?.text).toBe(`Stopping job ${holder} (test-long): Packer is cleaning up the half-built VM.`);
    const job = await waitForJob(holder, (candidate) => candidate.state === 'cancelled', 'test-long to be cancelled');
    expect(job.reason).toBe(`cancelled on request of slack:${BUILDER}; Packer was stopped and cleaned up`);
    const message = await s.slack.waitFor(() => (messageOf(holder)?.text.includes('cancelled') ? messageOf(holder) : undefined), 10_000, 'the cancelled message');
    expect(buttonsOf(message.blocks)).toEqual([]);
    const again = await s.command(`cancel ${holder}`, BUILDER);
    expect(again.json?.text).toContain(`job ${holder} has already cancelled`);
  });

  it("cancels from the message's Cancel button, for holders of the cancel permission only", async () => {
    const id = await queue('test-long');
    await waitForJob(id, (job) => job.state === 'running', 'test-long to start');
    const refused = await s.press('goldsmith_cancel_job', String(id), VISITOR);
    expect(refused.status).toBe(200);
    const refusal = await s.slack.waitFor(() => s.slack.responsesTo(refused.responseUrl)[0], 5_000, 'the refusal');
    expect(refusal.body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: expect.stringContaining('you need the *cancel* permission') });
    expect(store.get(id)!.cancelRequested).toBe(false);
    const forged = await s.press('goldsmith_cancel_job', `${id}; reboot`, BUILDER);
    expect((await s.slack.waitFor(() => s.slack.responsesTo(forged.responseUrl)[0], 5_000)).body.text).toContain('does not name a job');
    const pressed = await s.press('goldsmith_cancel_job', String(id), BUILDER);
    expect(pressed.status).toBe(200);
    await waitForJob(id, (job) => job.state === 'cancelled', 'the pressed job to be cancelled');
    const message = await s.slack.waitFor(() => (messageOf(id)?.text.includes('cancelled') ? messageOf(id) : undefined), 10_000, 'the cancelled message');
    expect(message.text).toMatch(new RegExp(`^Job ${id}: test-long was cancelled after`));
  });

  it("answers audit with the auditor's summary", async () => {
    const answer = await s.command('audit', VISITOR);
    expect(answer.status).toBe(200);
    const digest = await s.slack.waitFor(() => s.slack.responsesTo(answer.responseUrl)[0], 20_000, 'the audit digest');
    expect(digest.body.text).toMatch(/^:white_check_mark: audited \d+ records \(1 init, \d+ builds, 0 promotions\): clean$/);
  });

  it('serves Prometheus metrics: jobs by state, build durations, Slack ack latency', async () => {
    const response = await fetch(`${s.serve.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    const counts = store.countByState();
    expect(text).toContain(`goldsmith_jobs{state="succeeded"} ${counts.succeeded}`);
    expect(text).toContain(`goldsmith_jobs{state="cancelled"} ${counts.cancelled}`);
    expect(text).toMatch(/goldsmith_build_duration_seconds_count\{line="test-paced",state="succeeded"\} 1/);
    const acks = Number(/goldsmith_slack_ack_seconds_count (\d+)/.exec(text)?.[1]);
    expect(acks).toBeGreaterThan(BAD_INPUT.length);
    expect(text).toMatch(/goldsmith_slack_ack_seconds_bucket\{le="\+Inf"\} \d+/);
  });
});

/** The service's audit trail (events with no job), read straight from the job store's file. */
function serviceEvents(): Array<{ kind: string; detail: string }> {
  const db = new Database(jobStorePathOf(s.env.config), { readonly: true });
  try {
    return db.prepare<[], { kind: string; detail: string }>('SELECT kind, detail FROM events WHERE job_id IS NULL ORDER BY id').all();
  } finally {
    db.close();
  }
}
