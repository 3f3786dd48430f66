import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSlackApi, type FakeSlackOptions } from '../fakes/slack-api.js';
import { makePipelineEnv, type PipelineEnv } from './pipeline-env.js';
import { postSlack, slashCommandBody, buttonPressBody, type SlackPostResult } from './slack-requests.js';
import { startServe, type ServeProcess } from './start-serve.js';

export const SIGNING_SECRET = 'test-signing-secret-8f2d1c';
export const BOT_TOKEN = 'xoxb-test-0000-goldsmith';
export const CHANNEL = 'C0BUILDS';
/** Holds build and cancel directly. */
export const BUILDER = 'U0BUILDER';
/** Holds build, rollback and revoke through the S0OPS group. */
export const OPS_LEAD = 'U0OPSLEAD';
/** Holds nothing. */
export const VISITOR = 'U0VISITOR';

export const SLACK_YAML = [
  'slack:',
  `  channel: ${CHANNEL}`,
  '  permissions:',
  `    build: [${BUILDER}, S0OPS]`,
  `    cancel: [${BUILDER}]`,
  '    rollback: [S0OPS]',
  '    revoke: [S0OPS]',
  'schedule:',
  '  enabled: false',
].join('\n');

/** Progress settings fast enough for tests, still spaced like the real ones (and the fake enforces the spacing). */
export const TEST_TUNING = { pollMs: 200, graceMs: 5_000, slackRetries: 0, progress: { jobIntervalMs: 300, channelIntervalMs: 150, tickMs: 1_000 } };

export interface SlackServeEnv {
  env: PipelineEnv;
  slack: FakeSlackApi;
  serve: ServeProcess;
  /** `/image <text>` from `user`: the HTTP answer and the response_url it carried. */
  command: (text: string, user: string) => Promise<SlackPostResult & { responseUrl: string }>;
  /** A button press from `user`. */
  press: (actionId: string, value: string, user: string) => Promise<SlackPostResult & { responseUrl: string }>;
  close: () => Promise<void>;
}

/** Adds `test-paced` to the env's matrix: a null build whose provisioner sleeps two seconds. */
export function addPacedLine(env: PipelineEnv): void {
  const matrixFile = join(env.dir, 'packer', 'matrix.json');
  const matrix = JSON.parse(readFileSync(matrixFile, 'utf8')) as Array<Record<string, unknown>>;
  matrix.push({ key: 'test-paced', enabled: false, os: 'linux', platform: 'local', dist: 'null', version: '1', build_dir: 'slow', config: 'slow/paced.pkrvars.hcl', base_name: 'tpl-test-paced', timeout_minutes: 5 });
  writeFileSync(matrixFile, JSON.stringify(matrix));
  writeFileSync(join(env.dir, 'packer', 'slow', 'paced.pkrvars.hcl'), 'sleep_seconds = 2\n');
}

/**
 * A goldsmith folder with the null-builder test lines (plus `test-paced`, a
 * build that takes about two seconds so its stages can be seen), the fake
 * Slack Web API, and `goldsmith serve` running against both.
 */
export interface SlackServeEnvOptions {
  slack?: Partial<FakeSlackOptions>;
  args?: string[];
  tuning?: Record<string, unknown>;
  /** More matrix entries, appended to packer/matrix.json before serve starts (a vSphere line, say). */
  lines?: Array<Record<string, unknown>>;
  /** More environment for serve (secrets the test lines print). */
  env?: NodeJS.ProcessEnv;
  /** Extra goldsmith.yaml after the Slack section. */
  yaml?: string;
}

export async function startSlackServeEnv(options: SlackServeEnvOptions = {}): Promise<SlackServeEnv> {
  const env = makePipelineEnv([SLACK_YAML, options.yaml ?? ''].join('\n'));
  addPacedLine(env);
  if (options.lines?.length) {
    const matrixFile = join(env.dir, 'packer', 'matrix.json');
    const matrix = JSON.parse(readFileSync(matrixFile, 'utf8')) as Array<Record<string, unknown>>;
    writeFileSync(matrixFile, JSON.stringify([...matrix, ...options.lines]));
  }
  const args = [...(options.args ?? [])];
  const slack = await FakeSlackApi.start({ token: BOT_TOKEN, usergroups: { S0OPS: [OPS_LEAD] }, minIntervalMs: { 'chat.postMessage': 60, 'chat.update': 60 }, ...options.slack });
  const serve = await startServe({
    configFile: env.configFile,
    env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl, ...options.env },
    args,
    tuning: { ...TEST_TUNING, ...options.tuning },
  });
  const events = `${serve.url}/slack/events`;
  return {
    env,
    slack,
    serve,
    command: async (text, user) => {
      const responseUrl = slack.responseUrl();
      return { ...(await postSlack(events, slashCommandBody({ text, user_id: user, response_url: responseUrl }), { secret: SIGNING_SECRET })), responseUrl };
    },
    press: async (actionId, value, user) => {
      const responseUrl = slack.responseUrl();
      return { ...(await postSlack(events, buttonPressBody({ user_id: user, action_id: actionId, value, response_url: responseUrl }), { secret: SIGNING_SECRET })), responseUrl };
    },
    close: async () => {
      await serve.stop('SIGTERM');
      await slack.close();
    },
  };
}
