import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJobStore } from '../../src/pipeline/open-job-store.js';
import type { JobStore } from '../../src/pipeline/job-store.js';
import type { Job } from '../../src/pipeline/job-types.js';
import { BOT_TOKEN, BUILDER, SIGNING_SECRET, TEST_TUNING, startSlackServeEnv, type SlackServeEnv } from '../helpers/slack-serve-env.js';
import { buttonPressBody, postSlack, signSlackBody, slashCommandBody, type SlackPostResult } from '../helpers/slack-requests.js';
import { startServe, type ServeProcess } from '../helpers/start-serve.js';

let s: SlackServeEnv;
let store: JobStore;
let restarted: ServeProcess | undefined;

beforeAll(async () => {
  s = await startSlackServeEnv();
  store = openJobStore(s.env.config);
});

afterAll(async () => {
  store?.close();
  await restarted?.stop('SIGTERM');
  await s?.close();
});

const events = () => `${s.serve.url}/slack/events`;
const jobsOf = (line: string) => store.list({ line, limit: 1000 });
const jobIdOf = (answer: SlackPostResult) => Number(/as job (\d+)/.exec(answer.json?.text ?? '')?.[1] ?? Number.NaN);
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

async function waitForJob(id: number, done: (job: Job) => boolean, what: string): Promise<Job> {
  return s.slack.waitFor(() => {
    const job = store.get(id);
    return job && done(job) ? job : undefined;
  }, 30_000, what);
}

function expectReplayRefused(answer: SlackPostResult): void {
  expect(answer.status).toBe(409);
  expect(answer.json).toEqual({
    response_type: 'ephemeral',
    text: expect.stringMatching(/^:no_entry: Not done: this request was already received at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\. goldsmith acts on each signed Slack request once/),
  });
}

/** A signed `/image` form with its fields edited, as a broken proxy or a hand-made request would send it. */
function editedCommand(edit: (form: URLSearchParams) => void): string {
  const form = new URLSearchParams(slashCommandBody({ text: 'build test-ok', user_id: BUILDER, response_url: s.slack.responseUrl() }));
  edit(form);
  return form.toString();
}

describe('goldsmith serve: replayed, mistimed and malformed Slack requests', () => {
  it('acts on a captured /image build once: the copy is refused while the build runs and after it has finished', async () => {
    const first = await s.command('build test-paced', BUILDER);
    expect(first.status).toBe(200);
    const id = jobIdOf(first);
    expect(first.json?.text).toContain(`Queued *test-paced* as job ${id}`);

    const copy = await first.resend();
    expectReplayRefused(copy);
    expect(jobsOf('test-paced').map((job) => job.id)).toEqual([id]);

    // Once the line is idle a copy would queue a second build: it must still be refused.
    await waitForJob(id, (job) => job.state === 'succeeded', 'test-paced to succeed');
    expectReplayRefused(await first.resend());
    await settle();
    expect(jobsOf('test-paced').map((job) => job.id)).toEqual([id]);
    expect(s.slack.responsesTo(first.responseUrl)).toEqual([]);
  });

  it('lets exactly one of two copies arriving at once through', async () => {
    const body = slashCommandBody({ text: 'build test-ok-2', user_id: BUILDER, response_url: s.slack.responseUrl() });
    const headers = signSlackBody(SIGNING_SECRET, body);
    const answers = await Promise.all([postSlack(events(), body, { secret: SIGNING_SECRET, headers }), postSlack(events(), body, { secret: SIGNING_SECRET, headers })]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const accepted = answers.find((answer) => answer.status === 200)!;
    expect(jobsOf('test-ok-2').map((job) => job.id)).toEqual([jobIdOf(accepted)]);
    await waitForJob(jobIdOf(accepted), (job) => job.state === 'succeeded', 'test-ok-2 to succeed');
  });

  it('does not let a forged copy of a signature block the real request', async () => {
    const body = slashCommandBody({ text: 'build test-slow', user_id: BUILDER, response_url: s.slack.responseUrl() });
    const headers = signSlackBody(SIGNING_SECRET, body);
    // Same headers, other body: the signature does not match, so nothing is remembered for it.
    const forged = await postSlack(events(), body.replace('test-slow', 'test-fail'), { secret: SIGNING_SECRET, headers });
    expect(forged.status).toBe(401);
    expect(forged.text).toContain('X-Slack-Signature does not match the request');
    const real = await postSlack(events(), body, { secret: SIGNING_SECRET, headers });
    expect(real.status).toBe(200);
    expect(jobsOf('test-slow').map((job) => job.id)).toEqual([jobIdOf(real)]);
    expect(jobsOf('test-fail')).toEqual([]);
  });

  it("answers Slack's unsigned SSL check with an empty 200, and acts on nothing sent beside it", async () => {
    const before = store.list({ limit: 1000 }).length;
    const responseUrl = s.slack.responseUrl();
    const command = slashCommandBody({ text: 'build test-ok', user_id: BUILDER, response_url: responseUrl });
    const press = buttonPressBody({ user_id: BUILDER, action_id: 'goldsmith_cancel_job', value: '1', response_url: responseUrl });
    for (const body of ['ssl_check=1&token=x', `ssl_check=1&${command}`, `ssl_check=1&${press}`]) {
      const answer = await fetch(events(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('');
    }
    await settle();
    expect(store.list({ limit: 1000 }).length).toBe(before);
    expect(s.slack.responsesTo(responseUrl)).toEqual([]);
  });

  it.each([
    { when: '6 minutes in the future', offset: 6 * 60, says: /^X-Slack-Request-Timestamp is 3[56]\d s ahead of this server's clock; goldsmith accepts requests within 300 s either way/ },
    { when: '6 minutes in the past', offset: -6 * 60, says: /^X-Slack-Request-Timestamp is 3[56]\d s behind this server's clock; goldsmith accepts requests within 300 s either way/ },
  ])('refuses a request signed with a timestamp $when with 401, doing nothing', async ({ offset, says }) => {
    const calls = s.slack.calls.length;
    const responseUrl = s.slack.responseUrl();
    const body = slashCommandBody({ text: 'build test-ok', user_id: BUILDER, response_url: responseUrl });
    const answer = await postSlack(events(), body, { secret: SIGNING_SECRET, timestamp: Math.floor(Date.now() / 1000) + offset });
    expect(answer.status).toBe(401);
    expect(answer.text).toMatch(says);
    await settle();
    expect(jobsOf('test-ok')).toEqual([]);
    // Other tests' builds still update their messages: only a message about test-ok would be this request's doing.
    expect(s.slack.calls.slice(calls).filter((call) => /test-ok(?!-)/.test(JSON.stringify(call.args)))).toEqual([]);
    expect(s.slack.responsesTo(responseUrl)).toEqual([]);
  });

  it.each([
    { what: '`text` twice', edit: (form: URLSearchParams) => form.append('text', 'build test-fail'), says: 'the form field "text" was sent 2 times' },
    { what: '`user_id` twice', edit: (form: URLSearchParams) => form.append('user_id', 'U0VISITOR'), says: 'the form field "user_id" was sent 2 times' },
    { what: '`channel_id` twice', edit: (form: URLSearchParams) => form.append('channel_id', 'C0OTHER'), says: 'the form field "channel_id" was sent 2 times' },
    { what: 'no `command`', edit: (form: URLSearchParams) => form.delete('command'), says: 'the form field "command" is missing' },
    { what: 'no `user_id`', edit: (form: URLSearchParams) => form.delete('user_id'), says: 'the form field "user_id" is missing' },
    { what: 'no `text`', edit: (form: URLSearchParams) => form.delete('text'), says: 'the form field "text" is missing' },
    { what: 'another command', edit: (form: URLSearchParams) => form.set('command', '/deploy'), says: 'the form field "command" is "/deploy", and goldsmith answers only /image' },
    {
      what: '`text` twice and no `user_id`',
      edit: (form: URLSearchParams) => {
        form.append('text', 'x');
        form.delete('user_id');
      },
      says: 'the form field "text" was sent 2 times; the form field "user_id" is missing',
    },
  ])('answers a signed /image with $what ephemerally, naming the field, and creates no job', async ({ edit, says }) => {
    const before = store.list({ limit: 1000 }).length;
    const answer = await postSlack(events(), editedCommand(edit), { secret: SIGNING_SECRET });
    expect(answer.status).toBe(200);
    expect(answer.json?.response_type).toBe('ephemeral');
    expect(answer.json?.text).toBe(
      `:warning: Not done: goldsmith could not read this /image request: ${says}. ` +
        'Slack sends `command`, `text`, `user_id`, `channel_id` and `response_url` once each; if a proxy sits between Slack and goldsmith, check that it forwards the body unchanged.',
    );
    await settle();
    expect(store.list({ limit: 1000 }).length).toBe(before);
  });

  it('answers a button press whose payload is sent twice with 400, naming the field, and does nothing', async () => {
    const responseUrl = s.slack.responseUrl();
    const press = buttonPressBody({ user_id: BUILDER, action_id: 'goldsmith_cancel_job', value: '1', response_url: responseUrl });
    const answer = await postSlack(events(), `${press}&${press}`, { secret: SIGNING_SECRET });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe('goldsmith could not read this request: the form field "payload" was sent 2 times; nothing was done\n');
    await settle();
    expect(s.slack.responsesTo(responseUrl)).toEqual([]);
  });

  it('acts on a captured Cancel button press once', async () => {
    const queued = await s.command('build test-long', BUILDER);
    const id = jobIdOf(queued);
    await waitForJob(id, (job) => job.state === 'running', 'test-long to start');
    const pressed = await s.press('goldsmith_cancel_job', String(id), BUILDER);
    expect(pressed.status).toBe(200);
    const reply = await s.slack.waitFor(() => s.slack.responsesTo(pressed.responseUrl)[0], 5_000, 'the cancel reply');
    expect(reply.body.text).toBe(`Stopping job ${id}; its message shows when it has stopped.`);

    // While Packer stops the job is still running: a copy acted on would ask again and reply again.
    expectReplayRefused(await pressed.resend());
    await waitForJob(id, (job) => job.state === 'cancelled', 'test-long to be cancelled');
    expectReplayRefused(await pressed.resend());
    await settle();
    expect(store.events(id).filter((event) => event.kind === 'cancel-requested')).toHaveLength(1);
    expect(s.slack.responsesTo(pressed.responseUrl)).toHaveLength(1);
  });

  it('still refuses a copy after serve restarts on the same state folder', async () => {
    const first = await s.command('build test-ok', BUILDER);
    expect(first.status).toBe(200);
    const id = jobIdOf(first);
    await waitForJob(id, (job) => job.state === 'succeeded', 'test-ok to succeed');
    expect(await s.serve.stop('SIGTERM')).toBe(0);

    restarted = await startServe({
      configFile: s.env.configFile,
      env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: s.slack.apiUrl },
      tuning: TEST_TUNING,
    });
    expectReplayRefused(await first.resend(`${restarted.url}/slack/events`));
    await settle();
    expect(jobsOf('test-ok').map((job) => job.id)).toEqual([id]);
    // A fresh request is served as usual.
    const fresh = await postSlack(`${restarted.url}/slack/events`, slashCommandBody({ text: 'status', user_id: BUILDER, response_url: s.slack.responseUrl() }), { secret: SIGNING_SECRET });
    expect(fresh.status).toBe(200);
    expect(fresh.json?.response_type).toBe('ephemeral');
  });
});
