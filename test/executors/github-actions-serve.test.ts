import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FakeActions } from '../fakes/actions-api.js';
import { FakeGitHub } from '../fakes/github-api.js';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { actionsYaml } from '../helpers/actions-env.js';
import { makePipelineEnv } from '../helpers/pipeline-env.js';
import { runCli } from '../helpers/run-cli.js';
import { addPacedLine, BOT_TOKEN, BUILDER, CHANNEL, SIGNING_SECRET, SLACK_YAML, TEST_TUNING } from '../helpers/slack-serve-env.js';
import { postSlack, slashCommandBody } from '../helpers/slack-requests.js';
import { startServe } from '../helpers/start-serve.js';

const OWNER = 'acme';
const REPO = 'images';
const APP_ID = 4545;

describe('goldsmith serve with builds on GitHub Actions (the GitHub App\'s installation token)', () => {
  it('/image build dispatches, the Slack message follows the run\'s steps, the record is sealed here and its promotion PR opened; /image cancel cancels a run', { timeout: 120_000 }, async () => {
    const env = makePipelineEnv([SLACK_YAML, `github:\n  repository: ${OWNER}/${REPO}`, actionsYaml({ repository: `${OWNER}/${REPO}` })].join('\n'));
    addPacedLine(env);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = join(env.dir, 'github-app.private-key.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), { mode: 0o600 });
    const actions = new FakeActions({ owner: OWNER, repo: REPO, workspace: env.dir, cancelGraceMs: 3000 });
    const github = await FakeGitHub.start({ owner: OWNER, repo: REPO, appId: APP_ID, publicKey, actions });
    onTestFinished(() => github.close());
    const slack = await FakeSlackApi.start({ token: BOT_TOKEN, minIntervalMs: { 'chat.postMessage': 60, 'chat.update': 60 } });
    onTestFinished(() => slack.close());
    const serve = await startServe({
      configFile: env.configFile,
      env: {
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        APP_ID: String(APP_ID),
        PRIVATE_KEY_PATH: keyFile,
        WEBHOOK_SECRET: 'whsec-actions-serve-test',
        GITHUB_API_URL: github.url,
      },
      tuning: { ...TEST_TUNING, githubThrottle: false },
    });
    onTestFinished(async () => void (await serve.stop('SIGTERM')));
    const command = (text: string) => postSlack(`${serve.url}/slack/events`, slashCommandBody({ text, user_id: BUILDER, response_url: slack.responseUrl() }), { secret: SIGNING_SECRET });

    const first = await command('build test-paced');
    expect(first.status).toBe(200);
    expect(first.text).toContain('Queued *test-paced* as job 1');
    const texts = () => slack.messagesIn(CHANNEL).map((message) => JSON.stringify(message));
    await slack.waitFor(() => texts().some((text) => text.includes('GitHub Actions: Build with Packer')), 30_000, 'the run\'s step in the Slack message');
    const pr = await slack.waitFor(() => github.pulls.get(1), 60_000, 'the promotion pull request');
    const run = actions.runs[0]!;
    expect(run).toMatchObject({ conclusion: 'success', inputs: { line: 'test-paced' } });
    expect(texts().some((text) => text.includes(`GitHub Actions run ${run.id}`))).toBe(true);

    const builds = join(env.config.records, 'builds', 'test-paced');
    const [ts] = readdirSync(builds).filter((name) => name !== 'latest');
    const recorded = JSON.parse(readFileSync(join(builds, ts!, 'run.json'), 'utf8'));
    expect(recorded.executor).toMatchObject({ kind: 'github-actions', run_id: run.id, repository: `${OWNER}/${REPO}` });
    expect(recorded.requested_by).toEqual({ source: 'slack', user: BUILDER });
    expect(pr).toMatchObject({ state: 'open', head: `promote/test-paced/${ts}` });
    expect((await runCli(['audit', env.config.records])).exitCode).toBe(0);
    // The Actions calls went with an installation token narrowed to the repository and to Actions.
    expect(github.calls.find((call) => call.path.endsWith('/access_tokens') && JSON.stringify(call.body).includes('"actions":"write"'))).toBeDefined();
    expect(actions.calls.filter((call) => call.kind === 'api').every((call) => call.status !== 401)).toBe(true);

    // /image cancel <job> cancels the run on GitHub.
    expect((await command('build test-long')).status).toBe(200);
    await slack.waitFor(() => actions.runs[1]?.job?.pid, 30_000, 'the second run\'s runner to start');
    const cancel = await command('cancel 2');
    expect(cancel.status).toBe(200);
    expect(cancel.text).toContain('Stopping job 2 (test-long): its CI run is being cancelled, and Packer on the runner cleans up.');
    await slack.waitFor(() => actions.runs[1]!.conclusion === 'cancelled', 30_000, 'the run to be cancelled');
    const ended = await slack.waitFor(() => serve.logs.find((entry) => entry.msg === 'job' && entry.job === 2 && entry.state === 'cancelled'), 30_000, 'job 2 to end cancelled');
    expect(ended).toBeDefined();
    await slack.waitFor(() => texts().some((text) => text.includes(`was cancelled (`) && text.includes(`/actions/runs/${actions.runs[1]!.id}`)), 10_000, 'the cancelled message with the run link');
  });
});
