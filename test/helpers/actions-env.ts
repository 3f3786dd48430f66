import { onTestFinished } from 'vitest';
import { Settings } from '../../src/config/settings.js';
import { BuildQueue } from '../../src/pipeline/build-queue.js';
import { createGitHubActionsExecutor } from '../../src/pipeline/executors/github-actions/github-actions-executor.js';
import type { Job } from '../../src/pipeline/job-types.js';
import { openJobStore } from '../../src/pipeline/open-job-store.js';
import type { JobStore } from '../../src/pipeline/job-store.js';
import { FakeActions, type FakeActionsOptions } from '../fakes/actions-api.js';
import { makePipelineEnv, type PipelineEnv } from './pipeline-env.js';

export const ACTIONS_TOKEN = 'github_pat_11TESTONLY0actions0token0value';

export interface ActionsEnv {
  env: PipelineEnv;
  actions: FakeActions;
  settings: Settings;
  store: JobStore;
  queue: BuildQueue;
  /** Queues `line` and resolves with the job once it has ended. */
  build: (line: string) => Promise<Job>;
  waitForEnd: (id: number, timeoutMs?: number) => Promise<Job>;
}

/** goldsmith.yaml's executors section for the fake: every line on github-actions, polled fast. */
export function actionsYaml(extra: Record<string, string | number> = {}): string {
  const settings = { repository: 'acme/images', poll_seconds: 0.2, appear_timeout_minutes: 0.1, ...extra };
  return ['executors:', '  default: github-actions', '  github_actions:', ...Object.entries(settings).map(([key, value]) => `    ${key}: ${value}`)].join('\n');
}

/**
 * The null-builder test lines in a working folder that is also the
 * repository the fake Actions API checks out for each run (its runner runs
 * the real `goldsmith runner` and Packer), every line on the github-actions
 * executor, and a build queue in this process.
 */
export async function startActionsEnv(options: { yaml?: Record<string, string | number>; actions?: Partial<FakeActionsOptions>; graceMs?: number; env?: Record<string, string> } = {}): Promise<ActionsEnv> {
  const env = makePipelineEnv(actionsYaml(options.yaml));
  const actions = await FakeActions.start({ owner: 'acme', repo: 'images', token: ACTIONS_TOKEN, workspace: env.dir, cancelGraceMs: 3000, ...options.actions });
  const settings = Settings.from({ GITHUB_TOKEN: ACTIONS_TOKEN, GITHUB_API_URL: actions.url, PATH: process.env.PATH, HOME: process.env.HOME, ...options.env });
  const store = openJobStore(env.config);
  // The real executor, with a short backoff after a 5xx so the tests of retries stay quick.
  const executor = createGitHubActionsExecutor({ config: env.config.executors.github_actions!, settings: settings.actions(env.dir), client: { backoffMs: 100 } });
  const queue = new BuildQueue({ store, config: env.config, matrix: env.matrix, signer: env.signer, settings, pollMs: 200, graceMs: options.graceMs ?? 5000, executors: { 'github-actions': executor } });
  await queue.start();
  onTestFinished(async () => {
    await queue.stop({ cancelRunning: true, killAfterMs: 1000 });
    store.close();
    await actions.close();
  });
  const waitForEnd = async (id: number, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = store.get(id)!;
      if (!['queued', 'running'].includes(job.state)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} (${job.stage}) after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    env,
    actions,
    settings,
    store,
    queue,
    waitForEnd,
    build: async (line) => {
      const [result] = queue.request(line, { source: 'cli', user: 'alice' });
      if (!result?.ok) throw new Error(`not queued: ${result?.message}`);
      return waitForEnd(result.job.id);
    },
  };
}
