import { randomBytes } from 'node:crypto';
import type { GitHubActionsExecutorConfig } from '../../../config/executors-schema.js';
import type { ActionsSettings } from '../../../config/read-actions-settings.js';
import type { RemoteRun } from '../../job-types.js';
import type { BuildExecutor, ExecutorResult, ExecutorRunContext } from '../build-executor.js';
import { actionsAuthorization } from './actions-authorization.js';
import { ActionsClient } from './actions-client.js';
import { dispatchWorkflowRun, type DispatchMemory } from './dispatch-workflow-run.js';
import { followRun } from './follow-run.js';
import { RunWatcher } from './run-watcher.js';
import { scrubText } from '../../scrub-text.js';

export interface GitHubActionsExecutorOptions {
  config: GitHubActionsExecutorConfig;
  settings: ActionsSettings;
  /** Test seam: the client's retry timing. */
  client?: { backoffMs?: number; attempts?: number } | undefined;
  /** How long the API may fail in a row before a job is given up (default 15 minutes). */
  outageMs?: number | undefined;
}

/** The GitHub Actions executor, with the client it counts requests on (for the benchmark). */
export interface GitHubActionsExecutor extends BuildExecutor {
  readonly client: ActionsClient;
}

/**
 * Builds on the team's GitHub Actions runners: each job dispatches the
 * installed goldsmith-build workflow with the line's queued matrix entry,
 * is followed (one shared poll for every run in flight), and, once the run
 * has succeeded, its artifact is checked and its log scrubbed again here,
 * where the record is sealed. Cancel cancels the run; a goldsmith stopped
 * mid-run re-attaches on its next start (the run carries the job's key in
 * its name, kept in the job store before the dispatch).
 *
 * @example
 * const executor = createGitHubActionsExecutor({ config: config.executors.github_actions, settings: settings.actions(config.baseDir) });
 */
export function createGitHubActionsExecutor(options: GitHubActionsExecutorOptions): GitHubActionsExecutor {
  const { config } = options;
  const client = new ActionsClient({ apiBase: options.settings.apiBase, authorization: actionsAuthorization(options.settings, config.repository), ...options.client });
  const watcher = new RunWatcher(client, { repository: config.repository, workflow: config.workflow, minIntervalMs: config.poll_seconds * 1000 });
  const memory: DispatchMemory = { refusesRunDetails: false };
  const follow = (context: ExecutorRunContext, remote: RemoteRun, since: Date): Promise<ExecutorResult> =>
    followRun({ client, watcher, config, context, remote, since, outageMs: options.outageMs });

  return {
    kind: 'github-actions',
    client,
    async run(context) {
      const { job, entry } = context;
      const remote: RemoteRun = {
        executor: 'github-actions',
        key: `${job.id}-${randomBytes(4).toString('hex')}`,
        repository: config.repository,
        workflow: config.workflow,
        ref: config.ref,
        dispatchedAt: null,
        floorRunId: null,
        runId: null,
        runUrl: null,
        attempt: null,
      };
      // Kept before the dispatch: a goldsmith stopped right after it still finds the run by this key.
      context.onRemote?.({ ...remote, dispatchedAt: new Date().toISOString() });
      if (context.signal.aborted) return { ok: false, ending: { state: 'cancelled', reason: 'cancelled on request before the run was dispatched' } };
      const platformVars = Object.fromEntries(Object.entries(context.hooks?.packerEnv?.(job, entry, context.jobDir) ?? {}).filter(([name]) => name.startsWith('PKR_VAR_')));
      const inputs = { goldsmith_job: remote.key, line: entry.key, entry: JSON.stringify(entry), packer_vars: JSON.stringify(platformVars) };
      // Inputs are shown on the run's page to anyone who can read the repository.
      const secrets = context.settings.credentials(context.config.secret_env, context.config.baseDir).map((credential) => credential.value);
      const leaking = Object.entries(inputs).find(([, value]) => scrubText(value, secrets) !== value);
      if (leaking) return { ok: false, ending: { state: 'failed', reason: `refusing to dispatch: the workflow input ${leaking[0]} would carry a credential goldsmith holds (a matrix value equal to a secret?); nothing was sent` } };
      context.onStage('dispatching to GitHub Actions');
      const since = new Date();
      try {
        const dispatched = await dispatchWorkflowRun(client, watcher, config, memory, inputs);
        Object.assign(remote, { dispatchedAt: since.toISOString(), floorRunId: dispatched.floorRunId, runId: dispatched.runId, runUrl: dispatched.htmlUrl, attempt: dispatched.runId ? 1 : null });
      } catch (error) {
        return { ok: false, ending: { state: 'failed', reason: (error as Error).message } };
      }
      context.onRemote?.({ ...remote });
      return follow(context, remote, since);
    },
    async reattach(context, remote) {
      context.onStage(`re-attached to GitHub Actions${remote.runId ? ` run ${remote.runId}` : ''}`);
      const since = new Date(remote.dispatchedAt ?? context.job.startedAt ?? Date.now());
      return follow(context, { ...remote }, since);
    },
  };
}
