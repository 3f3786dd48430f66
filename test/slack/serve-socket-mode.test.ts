import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { jobStorePathOf, openJobStore } from '../../src/pipeline/open-job-store.js';
import type { JobStore } from '../../src/pipeline/job-store.js';
import type { Job } from '../../src/pipeline/job-types.js';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { FakeSocketMode, type Delivered } from '../fakes/slack-socket-mode.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';
import { BOT_TOKEN, BUILDER, CHANNEL, SLACK_YAML, VISITOR, startSlackServeEnv, type SlackServeEnv } from '../helpers/slack-serve-env.js';
import { startServe } from '../helpers/start-serve.js';

const APP_TOKEN = 'xapp-1-A0GOLDSMITH-7000000000001-5f0c2e9a1b7d4c3e8a6f0b2d9c1e7a4b';
/** Short enough for tests; the real ones are 1 s (doubling to 2 min) and 10 s. */
const SOCKET_TUNING = { reconnectBaseMs: 100, reconnectMaxMs: 1_000, pingIntervalMs: 1_000, retireAfterMs: 1_000 };

let socket: FakeSocketMode;
let s: SlackServeEnv;
let store: JobStore;

beforeAll(async () => {
  socket = await FakeSocketMode.start({ appToken: APP_TOKEN });
  // Both ways at once: SLACK_SIGNING_SECRET (set by the helper) for /slack/events, SLACK_APP_TOKEN for the socket.
  // Debug logging, so that the check for the token and the tickets covers the most log lines.
  s = await startSlackServeEnv({ slack: { methods: socket.methods }, env: { SLACK_APP_TOKEN: APP_TOKEN, LOG_LEVEL: 'debug' }, tuning: { socketMode: SOCKET_TUNING } });
  store = openJobStore(s.env.config);
});

afterAll(async () => {
  store?.close();
  await s?.close();
  await socket?.close();
});

const jobCount = () => store.list({ limit: 1000 }).length;
const logsSaying = (message: string) => s.serve.logs.filter((entry) => entry.msg === message);
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

async function waitForJob(id: number, done: (job: Job) => boolean, what: string): Promise<Job> {
  return s.slack.waitFor(() => {
    const job = store.get(id);
    return job && done(job) ? job : undefined;
  }, 30_000, what);
}

function command(text: string, user: string, extra: { envelope_id?: string; retry_attempt?: number; retry_reason?: string } = {}): { responseUrl: string; send: () => Promise<Delivered> } {
  const responseUrl = s.slack.responseUrl();
  const envelope = { ...FakeSocketMode.slashCommand({ text, user_id: user, response_url: responseUrl }), ...extra };
  return { responseUrl, send: () => socket.deliver(envelope) };
}

const jobIdOf = (delivered: Delivered) => Number(/as job (\d+)/.exec(String(delivered.ack.payload?.text))?.[1] ?? Number.NaN);

function refusals(): string[] {
  const db = new Database(jobStorePathOf(s.env.config), { readonly: true });
  try {
    return db.prepare<[], { detail: string }>("SELECT detail FROM events WHERE job_id IS NULL AND kind = 'refused' ORDER BY id").all().map((row) => row.detail);
  } finally {
    db.close();
  }
}

describe('goldsmith serve over Socket Mode (and HTTP beside it)', () => {
  it('connects out with the app token: apps.connections.open, then the WebSocket and its hello', () => {
    expect(socket.opens).toEqual([{ ok: true, at: expect.any(Number) }]);
    expect(socket.openConnections()).toHaveLength(1);
    expect(logsSaying('slack socket connected')).toEqual([expect.objectContaining({ connection: 1, reason: 'start', connections: 1, host: 'applink-fake-1' })]);
    expect(logsSaying('listening')[0]).toMatchObject({ slack_events: `${s.serve.url}/slack/events`, slack_socket_mode: true });
  });

  it('builds a line from /image build over the socket: acked by envelope_id within 3 s, then the progress message, then the end', async () => {
    const delivered = await command('build test-paced', BUILDER).send();
    expect(delivered.ms).toBeLessThan(3_000);
    expect(delivered.ack.envelope_id).toBe(delivered.envelopeId);
    const id = jobIdOf(delivered);
    expect(delivered.ack.payload).toEqual({ response_type: 'ephemeral', text: `:hourglass: Queued *test-paced* as job ${id}. Follow it in <#${CHANNEL}>.` });
    expect(store.get(id)!.requester).toEqual({ source: 'slack', user: BUILDER });
    const running = await s.slack.waitFor(() => s.slack.messagesIn(CHANNEL).find((message) => message.history.some((version) => version.text.startsWith(`Job ${id}: test-paced is running`))), 20_000, 'the running progress message');
    await waitForJob(id, (job) => job.state === 'succeeded', 'test-paced to succeed');
    await s.slack.waitFor(() => /built in/.test(running.text), 10_000, 'the final message');
    expect(running.text).toMatch(new RegExp(`^Job ${id}: test-paced built in 0:0\\d$`));
  });

  it('refuses over the socket as over HTTP: a missing permission (kept in the audit trail) and an unreadable command', async () => {
    const refused = await command('build test-ok', VISITOR).send();
    expect(refused.ack.payload?.text).toContain(':no_entry: Not done: you need the *build* permission: it is held by <@U0BUILDER>');
    expect(refusals().at(-1)).toMatch(/^slack:U0VISITOR build test-ok: missing permission build: /);
    const other = FakeSocketMode.slashCommand({ text: 'build test-ok', user_id: BUILDER, response_url: s.slack.responseUrl(), command: '/deploy' });
    const unreadable = await socket.deliver(other);
    expect(unreadable.ack.payload).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('goldsmith could not read this /image request: the form field "command" is "/deploy"') });
  });

  it('cancels from the Cancel button pressed over the socket, for holders of the cancel permission only', async () => {
    const id = jobIdOf(await command('build test-long', BUILDER).send());
    await waitForJob(id, (job) => job.state === 'running', 'test-long to start');
    const press = (user: string) => {
      const responseUrl = s.slack.responseUrl();
      return { responseUrl, sent: socket.deliver(FakeSocketMode.buttonPress({ user_id: user, action_id: 'goldsmith_cancel_job', value: String(id), response_url: responseUrl })) };
    };
    const visitor = press(VISITOR);
    expect((await visitor.sent).ms).toBeLessThan(3_000);
    const refusal = await s.slack.waitFor(() => s.slack.responsesTo(visitor.responseUrl)[0], 5_000, 'the refusal on the response_url');
    expect(refusal.body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: expect.stringContaining('you need the *cancel* permission') });
    expect(store.get(id)!.cancelRequested).toBe(false);
    const builder = press(BUILDER);
    await builder.sent;
    await waitForJob(id, (job) => job.state === 'cancelled', 'the pressed job to be cancelled');
    expect((await s.slack.waitFor(() => s.slack.responsesTo(builder.responseUrl)[0], 5_000)).body.text).toContain(`Stopping job ${id}`);
  });

  it('acts once on an envelope Slack sends again (retry_attempt 1), even after its build has finished', async () => {
    const first = command('build test-ok', BUILDER);
    const delivered = await first.send();
    const id = jobIdOf(delivered);
    await waitForJob(id, (job) => job.state === 'succeeded', 'test-ok to succeed');
    const before = jobCount();
    // The line is idle again: only the envelope_id stands between this copy and a second build.
    const again = await socket.deliver({ ...FakeSocketMode.slashCommand({ text: 'build test-ok', user_id: BUILDER, response_url: first.responseUrl }), envelope_id: delivered.envelopeId, retry_attempt: 1, retry_reason: 'timeout' });
    expect(again.ack).toEqual({ envelope_id: delivered.envelopeId, connection: expect.any(Number), at: expect.any(Number) });
    await settle();
    expect(jobCount()).toBe(before);
    expect(logsSaying('repeated slack envelope acked and ignored').at(-1)).toMatchObject({ envelope_id: delivered.envelopeId, retry_attempt: 1, retry_reason: 'timeout' });
  });

  it('still answers over HTTP at /slack/events, with the same handlers', async () => {
    const answer = await s.command('status test-ok', VISITOR);
    expect(answer.status).toBe(200);
    expect(answer.json?.text).toContain('test-ok');
  });

  it('reconnects when Slack asks (refresh_requested) with a fresh apps.connections.open, and the next command works', async () => {
    const opened = socket.opens.length;
    const old = socket.disconnect('refresh_requested');
    await s.slack.waitFor(() => socket.openConnections().some((connection) => connection.id > old.id), 5_000, 'a new connection');
    expect(socket.opens.slice(opened)).toEqual([{ ok: true, at: expect.any(Number) }]);
    await s.slack.waitFor(() => old.closedAt, 5_000, 'the old connection to close');
    const delivered = await command('help', VISITOR).send();
    expect(delivered.ack.connection).toBeGreaterThan(old.id);
    expect(delivered.ack.payload?.text).toContain('/image build');
    expect(logsSaying('slack socket reconnected').at(-1)).toMatchObject({ reason: 'refresh_requested' });
  });

  it('reconnects at once on the warning Slack sends before it closes a socket, and /healthz stays connected', async () => {
    const old = socket.disconnect('warning', 2_000);
    await s.slack.waitFor(() => socket.openConnections().some((connection) => connection.id > old.id), 5_000, 'a new connection after the warning');
    expect(logsSaying('slack socket reconnected').at(-1)).toMatchObject({ reason: 'warning' });
    const health = await fetch(`${s.serve.url}/healthz`);
    expect(await health.json()).toMatchObject({ ok: true, slack_socket: 'connected' });
    expect((await command('help', VISITOR).send()).ack.connection).toBeGreaterThan(old.id);
  });

  it('on link_disabled says how to turn Socket Mode back on, shows reconnecting in /healthz, and comes back when Slack lets it', async () => {
    socket.failOpens('internal_error');
    const old = socket.disconnect('link_disabled', 0);
    await s.slack.waitFor(() => logsSaying('slack socket reconnecting').some((entry) => entry.reason === 'link_disabled'), 5_000, 'the backoff after link_disabled');
    const warned = s.serve.logs.find((entry) => entry.reason === 'link_disabled' && entry.level === 40);
    expect(String(warned?.msg)).toMatch(/turn it on under "Socket Mode" in the app's settings/);
    await s.slack.waitFor(() => (old.closedAt ? true : undefined), 5_000, 'the disabled socket to close');
    const health = await fetch(`${s.serve.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, slack_socket: 'reconnecting' });
    socket.failOpens(undefined);
    await s.slack.waitFor(() => socket.openConnections().some((connection) => connection.id > old.id), 10_000, 'a new connection once Socket Mode is back on');
    expect((await command('help', VISITOR).send()).ack.connection).toBeGreaterThan(old.id);
  });

  it('reconnects after a dropped socket, with backoff, and the next command works', async () => {
    const dropped = socket.drop();
    await s.slack.waitFor(() => socket.openConnections().some((connection) => connection.id > dropped.id), 5_000, 'a new connection after the drop');
    expect(logsSaying('slack socket reconnecting').at(-1)).toMatchObject({ reason: 'closed', attempt: 1, in_ms: expect.any(Number) });
    const delivered = await command('help', VISITOR).send();
    expect(delivered.ack.connection).toBeGreaterThan(dropped.id);
  });

  it('never logs the app token or a WebSocket ticket', () => {
    const output = s.serve.output();
    expect(socket.tickets.length).toBeGreaterThanOrEqual(3);
    expect(output).toContain('slack socket reconnected');
    expect(output).not.toContain(APP_TOKEN);
    expect(output).not.toContain(APP_TOKEN.slice(0, 20));
    for (const ticket of socket.tickets) expect(output).not.toContain(ticket);
    expect(output).not.toContain('/link/');
  });
});

describe('goldsmith serve over Socket Mode only', () => {
  it('needs no signing secret: /slack/events answers 404 saying why, and the socket serves /image', async () => {
    const only = await FakeSocketMode.start({ appToken: APP_TOKEN });
    const env = await startSlackServeEnv({ slack: { methods: only.methods }, env: { SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: APP_TOKEN }, tuning: { socketMode: SOCKET_TUNING } });
    try {
      const http = await fetch(`${env.serve.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'command=%2Fimage&text=help' });
      expect(http.status).toBe(404);
      expect(await http.text()).toContain('SLACK_SIGNING_SECRET is not set, so /slack/events is off');
      expect(env.serve.logs.find((entry) => entry.msg === 'listening')).toMatchObject({ slack_events: 'off (no SLACK_SIGNING_SECRET)', slack_socket_mode: true });
      const help = await only.deliver(FakeSocketMode.slashCommand({ text: 'help', user_id: VISITOR, response_url: env.slack.responseUrl() }));
      expect(help.ack.payload?.text).toContain('/image build');
    } finally {
      await env.close();
      await only.close();
    }
  });
});

describe('goldsmith serve with an app token Slack refuses', () => {
  it('exits non-zero at start, naming SLACK_APP_TOKEN and the fix, without the token', async () => {
    const only = await FakeSocketMode.start({ appToken: APP_TOKEN });
    const slack = await FakeSlackApi.start({ token: BOT_TOKEN, methods: only.methods });
    const env = makePipelineEnv(SLACK_YAML);
    const wrong = 'xapp-1-A0GOLDSMITH-7000000000001-0000wrong0000token0000';
    try {
      const refused = await startServe({ configFile: env.configFile, env: { SLACK_APP_TOKEN: wrong, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl } }).catch((error: Error) => error);
      expect(String(refused)).toMatch(/exited with 1 before listening:[\s\S]*goldsmith: Slack refused SLACK_APP_TOKEN \(invalid_auth\): set it to an app-level token \(xapp-…\) with the connections:write scope/);
      expect(String(refused)).not.toContain('0000wrong0000');
      expect(only.opens).toEqual([{ ok: false, error: 'invalid_auth', at: expect.any(Number) }]);
      const botToken = startServe({ configFile: env.configFile, env: { SLACK_APP_TOKEN: BOT_TOKEN, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl } });
      await expect(botToken).rejects.toThrow(/goldsmith: SLACK_APP_TOKEN is not an app-level token \(those start with xapp-/);
    } finally {
      await slack.close();
      await only.close();
    }
  });
});
