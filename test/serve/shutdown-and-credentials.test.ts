import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobStore } from '../../src/pipeline/job-store.js';
import { openJobStore } from '../../src/pipeline/open-job-store.js';
import { FakeGitHub } from '../fakes/github-api.js';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { FakeSocketMode } from '../fakes/slack-socket-mode.js';
import { makePipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { addPacedLine, BOT_TOKEN, BUILDER, CHANNEL, SIGNING_SECRET, SLACK_YAML, TEST_TUNING } from '../helpers/slack-serve-env.js';
import { postSlack, slashCommandBody } from '../helpers/slack-requests.js';
import { startServe, type ServeProcess } from '../helpers/start-serve.js';

const OWNER = 'acme';
const REPO = 'images';
const APP_ID = 4545;
const WEBHOOK_SECRET = 'whsec-shutdown-test-5b1e';

/** Credentials an operator's host holds besides the Slack and GitHub ones serve runs with. */
const OTHER_CREDENTIALS = {
  SLACK_APP_TOKEN: 'xapp-1-A0123456789-1234567890123-0123456789abcdef',
  GOVC_PASSWORD: 'vC3nter!Passw0rd#1',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  DATABASE_URL: 'postgres://app:Db-Passw0rd-9@db.internal:5432/images',
};
const SECRET_VALUES = [SIGNING_SECRET, BOT_TOKEN, WEBHOOK_SECRET, ...Object.values(OTHER_CREDENTIALS), 'Db-Passw0rd-9'];

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

interface World {
  pipeline: PipelineEnv;
  slack: FakeSlackApi;
  github: FakeGitHub;
  store: JobStore;
  env: NodeJS.ProcessEnv;
  serve: (args?: string[]) => Promise<ServeProcess>;
}

/** A goldsmith folder with the null-builder lines, GitHub promotion pull requests on, the fakes, and every credential set. */
async function makeWorld(): Promise<World> {
  const pipeline = makePipelineEnv([SLACK_YAML, 'github:', `  repository: ${OWNER}/${REPO}`, 'packer:', '  env: [DATABASE_URL]'].join('\n'));
  addPacedLine(pipeline);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(pipeline.dir, 'github-app.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), { mode: 0o600 });
  const github = await FakeGitHub.start({ owner: OWNER, repo: REPO, appId: APP_ID, publicKey });
  cleanups.push(() => github.close());
  // serve holds the app token too, and uses it: Socket Mode connects beside HTTP, so its path is scrubbed as well.
  const socket = await FakeSocketMode.start({ appToken: OTHER_CREDENTIALS.SLACK_APP_TOKEN });
  cleanups.push(() => socket.close());
  const slack = await FakeSlackApi.start({ token: BOT_TOKEN, methods: socket.methods });
  cleanups.push(() => slack.close());
  const store = openJobStore(pipeline.config);
  cleanups.push(() => store.close());
  const env = {
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    APP_ID: String(APP_ID),
    PRIVATE_KEY_PATH: keyFile,
    WEBHOOK_SECRET,
    GITHUB_API_URL: github.url,
    PKR_VAR_dump_file: join(pipeline.dir, 'packer-env.txt'),
    ...OTHER_CREDENTIALS,
  };
  const serve = async (args: string[] = []) => {
    const running = await startServe({ configFile: pipeline.configFile, env, args, tuning: { ...TEST_TUNING, githubThrottle: false } });
    cleanups.push(() => running.stop('SIGKILL'));
    return running;
  };
  return { pipeline, slack, github, store, env, serve };
}

async function build(world: World, serve: ServeProcess, line: string): Promise<number> {
  const answer = await postSlack(`${serve.url}/slack/events`, slashCommandBody({ text: `build ${line}`, user_id: BUILDER, response_url: world.slack.responseUrl() }), { secret: SIGNING_SECRET });
  const id = /as job (\d+)/.exec(answer.json?.text ?? '')?.[1];
  if (!id) throw new Error(`not queued: ${answer.text}`);
  return Number(id);
}

describe('goldsmith serve holding every credential, with a provisioner that prints its environment', () => {
  it('keeps every credential out of Packer, the log, /image log, Slack, GitHub and its own logs; SIGTERM mid-build still delivers the PR link, within the drain', async () => {
    const world = await makeWorld();
    const { slack, github, store } = world;
    const serve = await world.serve(['--drain-seconds', '40']);

    // 1. The env-dumping build, its promotion pull request, and /image log.
    const dumped = await build(world, serve, 'test-env-dump');
    await slack.waitFor(() => github.pulls.get(1), 30_000, 'the first promotion pull request');
    expect(store.get(dumped)!.state).toBe('succeeded');
    const seen = readFileSync(world.env.PKR_VAR_dump_file!, 'utf8');
    for (const name of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'WEBHOOK_SECRET', 'PRIVATE_KEY_PATH', 'APP_ID', 'GOVC_PASSWORD', 'AWS_SECRET_ACCESS_KEY']) {
      expect(seen, `Packer saw ${name}`).not.toMatch(new RegExp(`^${name}=`, 'm'));
    }
    expect(seen).toContain(`DATABASE_URL=${OTHER_CREDENTIALS.DATABASE_URL}`);
    const log = await postSlack(`${serve.url}/slack/events`, slashCommandBody({ text: `log ${dumped}`, user_id: BUILDER, response_url: slack.responseUrl() }), { secret: SIGNING_SECRET });
    expect(log.status).toBe(200);
    expect(log.json?.text).toContain(`lines of job ${dumped}'s log* (test-env-dump, succeeded; secrets scrubbed)`);
    expect(readFileSync(join(world.pipeline.config.state_dir, 'jobs', String(dumped), 'packer.log'), 'utf8')).toContain('DATABASE_URL=postgres://app:[REDACTED]@db.internal:5432/images');

    // 2. A build SIGTERM catches mid-way: it ends inside the drain and still gets its pull request and its Slack link.
    const paced = await build(world, serve, 'test-paced');
    await slack.waitFor(() => store.get(paced)?.stage === 'provisioning', 30_000, 'the paced build to provision');
    const signalled = Date.now();
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    const took = (Date.now() - signalled) / 1000;
    console.log(`SIGTERM to exit, a build finishing inside --drain-seconds 40: ${took.toFixed(1)} s`);
    expect(took).toBeLessThan(40 + 10);
    expect(store.get(paced)!.state).toBe('succeeded');
    const pr = github.pulls.get(2);
    expect(pr, 'the pull request of the build that finished during the drain').toBeDefined();
    const message = slack.messagesIn(CHANNEL).find((candidate) => candidate.text.startsWith(`Job ${paced}:`));
    expect(JSON.stringify(message?.blocks)).toContain('|pull request>');
    expect(serve.output()).not.toMatch(/promotion pull request not opened|database connection is not open/);

    // 3. Nowhere: not the job logs, the records, Slack's or GitHub's received bodies, nor goldsmith's own log.
    const places: Array<[string, string]> = [
      ['serve output', serve.output()],
      ['Slack calls', JSON.stringify(slack.calls.map((call) => call.args))],
      ['Slack responses', JSON.stringify(slack.responses.map((response) => response.body))],
      ['/image log', JSON.stringify(log.json)],
      ['GitHub requests', JSON.stringify(github.calls.map((call) => call.body))],
      ['GitHub blobs', [...github.blobs.values()].map((blob) => blob.toString('utf8')).join('\n')],
      ...[...filesUnder(world.pipeline.config.records), ...filesUnder(join(world.pipeline.config.state_dir, 'jobs'))].map((file): [string, string] => [file, readFileSync(file, 'utf8')]),
    ];
    for (const [where, text] of places) for (const value of SECRET_VALUES) expect(text.includes(value), `${where} holds a credential`).toBe(false);
  }, 120_000);

  it('kill -9 of goldsmith mid-build, then a restart: the Packer it left is stopped before the job is marked interrupted', async () => {
    const world = await makeWorld();
    const first = await world.serve();
    const id = await build(world, first, 'test-long');
    await world.slack.waitFor(() => world.store.get(id)?.stage === 'provisioning', 30_000, 'the long build to provision');
    const pgid = world.store.get(id)!.packerPgid!;
    expect(pgid).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(groupAlive(pgid), 'Packer runs on in its own process group after goldsmith died').toBe(true);

    const second = await world.serve();
    const job = await world.slack.waitFor(() => (world.store.get(id)?.state === 'interrupted' ? world.store.get(id) : undefined), 30_000, 'the job to be marked interrupted');
    expect(groupAlive(pgid), 'no Packer process of the job remains').toBe(false);
    expect(job!.reason).toMatch(new RegExp(`Its Packer process group ${pgid} was still running and was stopped \\(SIGINT`));
    expect(world.store.events(id).map((event) => event.kind)).toContain('packer-stopped');
    expect(await second.stop('SIGTERM'), second.output()).toBe(0);
  }, 120_000);

  it('scrubs what an older goldsmith left unscrubbed in the job store and its logs from every Slack reply and message', async () => {
    const world = await makeWorld();
    // A job recorded before credentials were scrubbed: its reason, tail and log hold the vCenter password.
    const leaked = OTHER_CREDENTIALS.GOVC_PASSWORD;
    const queued = world.store.request('test-ok', { source: 'cli', user: 'ops' });
    if (!queued.ok) throw new Error('not queued');
    world.store.claimNext(2);
    const logPath = join(world.pipeline.dir, 'old-packer.log');
    writeFileSync(logPath, `govc login with ${leaked} failed\n`);
    world.store.setLogPath(queued.job.id, logPath);
    world.store.finish(queued.job.id, { state: 'failed', reason: `vCenter refused password ${leaked}`, exitCode: 1, tail: `password=${leaked}` });
    const serve = await world.serve();
    const answers = [];
    for (const text of [`status ${queued.job.id}`, `log ${queued.job.id}`]) {
      const answer = await postSlack(`${serve.url}/slack/events`, slashCommandBody({ text, user_id: BUILDER, response_url: world.slack.responseUrl() }), { secret: SIGNING_SECRET });
      expect(answer.status).toBe(200);
      answers.push(answer.text);
    }
    expect(answers.join('\n')).toContain('[REDACTED]');
    expect(answers.join('\n')).not.toContain(leaked);
    await build(world, serve, 'test-ok');
    await world.slack.waitFor(() => world.slack.messagesIn(CHANNEL).length > 0, 20_000, 'a channel message');
    expect(await serve.stop('SIGTERM')).toBe(0);
    expect(JSON.stringify(world.slack.calls.map((call) => call.args))).not.toContain(leaked);
  }, 120_000);
});
