import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { openJobStore } from '../../src/pipeline/open-job-store.js';
import type { JobStore } from '../../src/pipeline/job-store.js';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';
import { addPacedLine, BOT_TOKEN, BUILDER, CHANNEL, SIGNING_SECRET, SLACK_YAML, TEST_TUNING } from '../helpers/slack-serve-env.js';
import { postSlack, slashCommandBody } from '../helpers/slack-requests.js';
import { startServe, type ServeProcess } from '../helpers/start-serve.js';

const LAUNCHER = fileURLToPath(new URL('../helpers/serve-launcher.mjs', import.meta.url));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeSlack(): Promise<FakeSlackApi> {
  const slack = await FakeSlackApi.start({ token: BOT_TOKEN });
  cleanups.push(() => slack.close());
  return slack;
}

/** Runs serve expecting it to refuse to start: its exit code and what it said. */
async function refusedStart(env: NodeJS.ProcessEnv, yaml = SLACK_YAML, extraArgs: string[] = []) {
  const pipeline = makePipelineEnv(yaml);
  const result = await execa(process.execPath, [LAUNCHER, '--config', pipeline.configFile, '--port', '0', '--host', '127.0.0.1', ...extraArgs], {
    reject: false,
    env: { PATH: process.env.PATH, ...env },
    extendEnv: false,
    timeout: 20_000,
  });
  return { exitCode: result.exitCode, stderr: String(result.stderr), stdout: String(result.stdout) };
}

async function serveWith(slack: FakeSlackApi, configFile: string, args: string[] = [], detached = false): Promise<ServeProcess> {
  const serve = await startServe({
    configFile,
    env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl },
    args,
    tuning: TEST_TUNING,
    detached,
  });
  cleanups.push(() => (detached ? serve.crash().catch(() => undefined) : serve.stop('SIGKILL')));
  return serve;
}

async function build(serve: ServeProcess, slack: FakeSlackApi, line: string): Promise<number> {
  const answer = await postSlack(`${serve.url}/slack/events`, slashCommandBody({ text: `build ${line}`, user_id: BUILDER, response_url: slack.responseUrl() }), { secret: SIGNING_SECRET });
  const id = /as job (\d+)/.exec(answer.json?.text ?? '')?.[1];
  if (!id) throw new Error(`not queued: ${answer.text}`);
  return Number(id);
}

const until = <T>(slack: FakeSlackApi, probe: () => T | undefined | null | false, what: string) => slack.waitFor(probe, 30_000, what);

describe('goldsmith serve start-up', () => {
  it('refuses to start without SLACK_SIGNING_SECRET or SLACK_BOT_TOKEN, naming the variable and the fix', async () => {
    const noSecret = await refusedStart({ SLACK_BOT_TOKEN: BOT_TOKEN });
    expect(noSecret.exitCode).toBe(2);
    expect(noSecret.stderr).toContain('goldsmith: SLACK_SIGNING_SECRET is not set: copy "Signing Secret" from your Slack app\'s "Basic Information" page and export SLACK_SIGNING_SECRET=');
    const noToken = await refusedStart({ SLACK_SIGNING_SECRET: SIGNING_SECRET });
    expect(noToken.exitCode).toBe(2);
    expect(noToken.stderr).toContain('SLACK_BOT_TOKEN is not set: install the Slack app');
    const userToken = await refusedStart({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxp-user-token' });
    expect(userToken.stderr).toContain('SLACK_BOT_TOKEN is not a bot token');
    expect(userToken.stderr).not.toContain('xoxp-user-token');
    const badUrl = await refusedStart({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: 'not a url' });
    expect(badUrl.stderr).toContain('SLACK_API_URL "not a url" is not a URL');
  });

  it('refuses a token Slack rejects, and config mistakes, naming the setting', async () => {
    const slack = await fakeSlack();
    const rejected = await refusedStart({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_API_URL: slack.apiUrl });
    expect(rejected.exitCode).toBe(1);
    expect(rejected.stderr).toContain('Slack refused SLACK_BOT_TOKEN (invalid_auth): set it to the app\'s Bot User OAuth Token');
    expect(rejected.stderr + rejected.stdout).not.toContain(SIGNING_SECRET);
    const env = { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl };
    const names = await refusedStart(env, ['slack:', '  channel: builds', '  permissions:', '    build: [alice]', 'schedule:', '  lines: [tset-ok]'].join('\n'));
    expect(names.exitCode).toBe(2);
    expect(names.stderr).toMatch(/goldsmith\.yaml: slack\.permissions\.build: "alice" is not a Slack user id \(U…\/W…\) or user group id \(S…\)/);
    expect(names.stderr).toMatch(/goldsmith\.yaml: slack\.channel: "builds" is not a channel id \(C…\)/);
    expect(names.stderr).toMatch(/goldsmith\.yaml: schedule\.lines: unknown line "tset-ok"; did you mean "test-ok"/);
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => holder.close(resolve)));
    const busy = await refusedStart(env, SLACK_YAML, ['--port', String((holder.address() as AddressInfo).port)]);
    expect(busy.exitCode).toBe(2);
    expect(busy.stderr).toMatch(/port \d+ on 127\.0\.0\.1 is in use: pass --port \(or set PORT\)/);
  });

  it('logs JSON, without secrets', async () => {
    const slack = await fakeSlack();
    const pipeline = makePipelineEnv(SLACK_YAML);
    const serve = await serveWith(slack, pipeline.configFile);
    await postSlack(`${serve.url}/slack/events`, slashCommandBody({ text: 'build test-ok', user_id: BUILDER, response_url: slack.responseUrl() }), { secret: SIGNING_SECRET });
    expect(await serve.stop('SIGTERM')).toBe(0);
    expect(serve.logs.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['listening', 'build queued', 'stopped']));
    expect(serve.logs.every((entry) => entry.service === 'goldsmith' && typeof entry.time === 'string')).toBe(true);
    expect(serve.output()).not.toContain(SIGNING_SECRET);
    expect(serve.output()).not.toContain(BOT_TOKEN);
  });
});

describe('goldsmith serve on SIGTERM', () => {
  it('stops taking requests, lets a running build finish, sends its last update, and exits 0', async () => {
    const slack = await fakeSlack();
    const pipeline = makePipelineEnv(SLACK_YAML);
    addPacedLine(pipeline);
    const serve = await serveWith(slack, pipeline.configFile, ['--drain-seconds', '30']);
    const id = await build(serve, slack, 'test-paced');
    const store: JobStore = openJobStore(pipeline.config);
    cleanups.push(() => store.close());
    await until(slack, () => store.get(id)?.stage === 'provisioning', 'the build to provision');
    serve.child.kill('SIGTERM');
    const stopping = await until(slack, () => serve.logs.find((entry) => entry.msg === 'stopping: no new requests; running builds may finish'), 'serve to begin stopping');
    expect(stopping).toMatchObject({ reason: 'SIGTERM', running: [id] });
    await expect(fetch(`${serve.url}/healthz`)).rejects.toThrow();
    expect(store.get(id)!.state).toBe('running');
    expect(await serve.exited).toBe(0);
    expect(store.get(id)!.state).toBe('succeeded');
    expect(slack.messagesIn(CHANNEL).find((message) => message.text.startsWith(`Job ${id}:`))?.text).toMatch(/built in/);
  });

  it('stops builds still running after --drain-seconds, recording why, and exits 0', async () => {
    const slack = await fakeSlack();
    const pipeline = makePipelineEnv(SLACK_YAML);
    const serve = await serveWith(slack, pipeline.configFile, ['--drain-seconds', '0']);
    const id = await build(serve, slack, 'test-long');
    const store: JobStore = openJobStore(pipeline.config);
    cleanups.push(() => store.close());
    await until(slack, () => store.get(id)?.stage === 'provisioning', 'the long build to provision');
    const signalled = Date.now();
    expect(await serve.stop('SIGTERM')).toBe(0);
    expect(Date.now() - signalled, 'everything after SIGTERM ends within --drain-seconds plus the fixed 10 s grace').toBeLessThan(10_000);
    expect(store.get(id)!.state).toBe('cancelled');
    expect(store.events(id).find((event) => event.kind === 'shutdown')?.detail).toBe('goldsmith serve stopped (SIGTERM); Packer was told to stop and clean up');
    expect(slack.messagesIn(CHANNEL).find((message) => message.text.startsWith(`Job ${id}:`))?.text).toMatch(/was cancelled after/);
  });
});

describe('goldsmith serve after a crash', () => {
  it('marks the build it was running interrupted, and says so in the same channel message', async () => {
    const slack = await fakeSlack();
    const pipeline = makePipelineEnv(SLACK_YAML);
    const first = await serveWith(slack, pipeline.configFile, [], true);
    const id = await build(first, slack, 'test-long');
    const store: JobStore = openJobStore(pipeline.config);
    cleanups.push(() => store.close());
    await until(slack, () => store.get(id)?.stage === 'provisioning' && slack.messagesIn(CHANNEL)[0]?.text.includes('provisioning'), 'the running message');
    await first.crash();
    const posts = slack.callsOf('chat.postMessage').length;
    await serveWith(slack, pipeline.configFile);
    const message = await until(slack, () => slack.messagesIn(CHANNEL).find((candidate) => candidate.text.startsWith(`Job ${id}: test-long was interrupted after`)), 'the interrupted message');
    expect(store.get(id)!.state).toBe('interrupted');
    expect(slack.callsOf('chat.postMessage')).toHaveLength(posts);
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
    expect(JSON.stringify(message.blocks)).toContain('stopped while the job was running');
  });
});
