import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { GITHUB_WEBHOOKS_PATH } from '../../src/bot/github/create-github-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { writeKeyFiles } from '../../src/evidence/write-key-files.js';
import { FakeGitHub } from '../fakes/github-api.js';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { runCli } from '../helpers/run-cli.js';
import { simConfigYaml, sumsDigest, UBUNTU } from '../helpers/sim-env.js';
import { BOT_TOKEN, BUILDER, SIGNING_SECRET, SLACK_YAML, TEST_TUNING } from '../helpers/slack-serve-env.js';
import { postSlack, slashCommandBody } from '../helpers/slack-requests.js';
import { startServe } from '../helpers/start-serve.js';
import { startTestVcsim } from '../helpers/vcsim.js';
import { makeTempDir } from '../helpers/write-chain.js';
import { commentCreated, deliverWebhook } from './helpers/webhooks.js';

const OWNER = 'acme';
const REPO = 'images';
const APP_ID = 4343;
const { line, base } = UBUNTU;

const waitFor = async <T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs: number, what: string, output?: () => string): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${output ? `:\n${output()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('goldsmith serve with the GitHub app, over real HTTP, on a real vcsim', () => {
  it('a Slack build opens the promotion pull request; a writer\'s /promote promotes, merges and answers, once', { timeout: 90_000 }, async () => {
    // The working folder: the simulator lines (real Packer on vcsim), a signing key, Slack and GitHub settings.
    const dir = makeTempDir('goldsmith-serve-github-');
    const keys = writeKeyFiles(join(dir, 'keys'), 'goldsmith');
    const configFile = join(dir, 'goldsmith.yaml');
    writeFileSync(configFile, simConfigYaml(['github:', `  repository: ${OWNER}/${REPO}`, SLACK_YAML]));
    const config = loadConfig({ file: configFile, cwd: dir, paths: { config: undefined, records: undefined, signingKey: undefined } });

    const sim = await startTestVcsim();
    await sim.seedTemplate('seed-ubuntu-24.04', '/DC0/vm/seeds');

    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = join(dir, 'github-app.private-key.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), { mode: 0o600 });
    const github = await FakeGitHub.start({ owner: OWNER, repo: REPO, appId: APP_ID, publicKey });
    onTestFinished(() => github.close());
    const slack = await FakeSlackApi.start({ token: BOT_TOKEN, minIntervalMs: { 'chat.postMessage': 60, 'chat.update': 60 } });
    onTestFinished(() => slack.close());
    const secret = `whsec-${Math.random().toString(36).slice(2)}-${Date.now()}`;

    const serve = await startServe({
      configFile,
      env: {
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        APP_ID: String(APP_ID),
        PRIVATE_KEY_PATH: keyFile,
        WEBHOOK_SECRET: secret,
        GITHUB_API_URL: github.url,
        ...sim.env,
        GOLDSMITH_GOVC_TIMEOUT: '20',
      },
      tuning: { ...TEST_TUNING, githubThrottle: false },
    });
    onTestFinished(async () => void (await serve.stop('SIGTERM')));
    const webhookUrl = `${serve.url}${GITHUB_WEBHOOKS_PATH}`;

    // 1. `/image build <line>` through Slack: a real Packer build on vcsim.
    const answer = await postSlack(`${serve.url}/slack/events`, slashCommandBody({ text: `build ${line}`, user_id: BUILDER, response_url: slack.responseUrl() }), { secret: SIGNING_SECRET });
    expect(answer.status).toBe(200);
    const ended = await waitFor(() => serve.logs.find((entry) => entry.msg === 'job' && entry.line === line && entry.state !== 'queued' && entry.state !== 'running'), 45_000, 'the build to end', serve.output);
    expect(ended.state, serve.output()).toBe('succeeded');

    // 2. Serve opens the promotion pull request of the sealed record on its own.
    const pr = await waitFor(() => github.pulls.get(1), 15_000, 'the promotion pull request', serve.output);
    const builds = join(config.records, 'builds', line);
    const [ts] = readdirSync(builds).filter((name) => !name.startsWith('.') && name !== 'latest');
    const record = `builds/${line}/${ts}`;
    const digest = sumsDigest(config.records, record);
    expect(pr).toMatchObject({ state: 'open', head: `promote/${line}/${ts}`, base: 'main' });
    expect(pr.body).toContain(digest);
    expect(pr.body).toContain(`at the request of slack user ${BUILDER}`);
    const files = github.files(pr.head);
    for (const name of ['run.json', 'SHA256SUMS', 'SHA256SUMS.sig']) {
      expect(files.get(`records/${record}/${name}`)?.content).toEqual(readFileSync(join(config.records, record, name)));
    }
    expect(files.get('records/HEAD')?.content.toString()).toBe(`${digest}  ${record}/SHA256SUMS\n`);
    const built = (await sim.inventory()).get(`${base}-build`);
    expect(built).toMatch(/^VirtualMachine:vm-\d+$/);

    // 3. /promote from a writer who is not the requester, as a signed issue_comment delivery.
    github.setPermission('bob', 'write');
    const comment = github.addComment(1, 'bob', '/promote');
    const payload = commentCreated(github, comment);
    const delivered = await deliverWebhook(webhookUrl, 'issue_comment', payload, { secret });
    expect(delivered.status).toBe(200);
    await waitFor(() => github.pulls.get(1)?.merged, 30_000, 'the merge', serve.output);
    expect(github.pulls.get(1)).toMatchObject({ state: 'closed', merged: true });
    const replies = github.repliesOn(1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(new RegExp(`^\\*\\*Promoted\\*\\* \`${line}\`: ${base} in /DC0/vm/Templates`));
    expect(replies[0]).toContain('approved by @bob');
    expect((await sim.inventory()).get(base)).toBe(built);
    const promotions = join(config.records, 'promotions', line);
    const promoted = existsSync(promotions) ? readdirSync(promotions).filter((name) => !name.startsWith('.')) : [];
    expect(promoted).toHaveLength(1);
    const run = JSON.parse(readFileSync(join(promotions, promoted[0]!, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ kind: 'promotion', line, approved_by: [{ source: 'github', user: 'bob' }], requested_by: { source: 'slack', user: BUILDER }, build: { record } });
    const audit = await runCli(['audit', config.records, '--allowed-signers', keys.allowedSigners]);
    expect(audit.exitCode, audit.stdout + audit.stderr).toBe(0);
    // The build's Slack message gets the news in its thread: the pull request, then the promotion.
    const threadReplies = () => slack.callsOf('chat.postMessage').filter((call) => call.ok && call.args.thread_ts).map((call) => String(call.args.text));
    await slack.waitFor(() => threadReplies().some((text) => text.startsWith(`Promoted ${line} from `)), 10_000, 'the promotion reply in the build thread');
    expect(threadReplies()[0]).toMatch(/^Promotion pull request: .*\/pull\/1 \(evidence check: success; comment \/promote there to approve\)$/);
    expect(threadReplies().find((text) => text.startsWith('Promoted'))).toContain('approved by bob');

    // 4. The same delivery again (a redelivery): nothing more happens.
    const calls = github.calls.length;
    const comments = github.comments.length;
    const again = await deliverWebhook(webhookUrl, 'issue_comment', payload, { secret, id: delivered.id });
    expect(again.status).toBeLessThan(300);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(github.comments).toHaveLength(comments);
    expect(github.calls.filter((call) => call.method !== 'GET')).toHaveLength(github.calls.slice(0, calls).filter((call) => call.method !== 'GET').length);
    expect(github.callsMatching('PUT', /\/merge$/)).toHaveLength(1);
    expect(readdirSync(promotions).filter((name) => !name.startsWith('.'))).toHaveLength(1);

    // A delivery with a bad signature is refused.
    const forged = await deliverWebhook(webhookUrl, 'issue_comment', payload, { secret, signature: `sha256=${'0'.repeat(64)}` });
    expect(forged.status).toBe(400);
    expect(github.comments).toHaveLength(comments);
    expect(serve.output()).not.toContain(sim.password);
    expect(serve.output()).not.toContain(secret);
  });
});
