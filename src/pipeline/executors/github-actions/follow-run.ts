import type { GitHubActionsExecutorConfig } from '../../../config/executors-schema.js';
import type { RemoteRun } from '../../job-types.js';
import type { ExecutorResult, ExecutorRunContext } from '../build-executor.js';
import { ActionsApiError, type ActionsClient } from './actions-client.js';
import { concludeRun } from './conclude-run.js';
import type { RunSnapshot, RunWatcher } from './run-watcher.js';

export interface FollowRunInput {
  client: ActionsClient;
  watcher: RunWatcher;
  config: GitHubActionsExecutorConfig;
  context: ExecutorRunContext;
  remote: RemoteRun;
  /** When the job's run was dispatched (or, not known, when the job started). */
  since: Date;
  /** How long the API may fail in a row before the job is given up (default 15 minutes). */
  outageMs?: number;
}

/** The stage shown for a run: where it waits, or the step it is at. */
function stageOf(snapshot: RunSnapshot): string {
  const { run, jobs } = snapshot;
  if (!run) return 'dispatched to GitHub Actions';
  if (run.status === 'queued' || run.status === 'requested' || run.status === 'pending') return `queued on GitHub Actions (run ${run.id})`;
  if (run.status === 'waiting' || run.status === 'action_required') return `waiting on GitHub Actions (run ${run.id} needs an approval)`;
  const steps = jobs?.flatMap((job) => job.steps ?? []) ?? [];
  const step = steps.find((candidate) => candidate.status === 'in_progress') ?? steps.filter((candidate) => candidate.status === 'completed').at(-1);
  return step ? `GitHub Actions: ${step.name}` : `running on GitHub Actions (run ${run.id})`;
}

const isFatal = (error: Error) => error instanceof ActionsApiError && [401, 403, 404].includes(error.status);

/**
 * Follows one job's run to its end: stages from its status and steps, the
 * run found by name when the dispatch gave no id, and every way it can go
 * wrong ended with a reason and the run's link: a run that never appears
 * (appear_timeout_minutes), one no runner takes (queue_timeout_minutes,
 * then cancelled), one that runs past the line's timeout_minutes
 * (cancelled), a cancel asked for here (the run is cancelled on GitHub and
 * followed until it has stopped), an API that stays unreachable.
 */
export function followRun(input: FollowRunInput): Promise<ExecutorResult> {
  const { client, watcher, config, context, remote } = input;
  const timeoutMs = context.entry.timeout_minutes * 60_000;
  return new Promise((resolve) => {
    let settled = false;
    let snapshot: RunSnapshot = { run: undefined, jobs: undefined };
    let stage = '';
    let cancelledBecause: string | undefined;
    let cancelSent = false;
    let failingSince: number | undefined;
    let runningSince: number | undefined;
    const finish = (result: ExecutorResult) => {
      if (settled) return;
      settled = true;
      stop();
      clearInterval(clock);
      context.signal.removeEventListener('abort', onCancel);
      context.detachSignal?.removeEventListener('abort', onDetach);
      context.killSignal?.removeEventListener('abort', onDetach);
      resolve(result);
    };
    const fail = (reason: string) => finish({ ok: false, ending: { state: 'failed', reason } });
    const cancelRun = (because: string) => {
      cancelledBecause ??= because;
      const runId = snapshot.run?.id ?? remote.runId;
      if (cancelSent || runId === null || runId === undefined) return;
      cancelSent = true;
      client
        .request('POST', `/repos/${config.repository}/actions/runs/${runId}/cancel`)
        .catch((error: Error) => {
          // 409: it completed meanwhile; its own conclusion stands.
          if (!(error instanceof ActionsApiError && error.status === 409)) context.onLine(`could not cancel run ${runId}: ${error.message}`);
        })
        .finally(() => watcher.kick());
    };
    const onCancel = () => cancelRun('cancelled on request');
    const onDetach = () => finish({ ok: false, detached: true });
    const update = (next: RunSnapshot) => {
      snapshot = next;
      const { run } = next;
      if (run && (remote.runId !== run.id || remote.attempt !== (run.run_attempt ?? 1))) {
        Object.assign(remote, { runId: run.id, runUrl: run.html_url, attempt: run.run_attempt ?? 1 });
        context.onRemote?.({ ...remote });
      }
      if (run?.status === 'in_progress') runningSince ??= Date.now();
      // A cancel asked for before the run was found is sent now.
      if (run && cancelledBecause && !cancelSent) cancelRun(cancelledBecause);
      const nextStage = stageOf(next);
      if (nextStage !== stage) context.onStage((stage = nextStage));
      if (run?.status === 'completed') {
        context.onStage('collecting evidence');
        const secrets = context.settings.credentials(context.config.secret_env, context.config.baseDir).map((credential) => credential.value);
        concludeRun({ client, config, run, jobs: next.jobs, key: remote.key, line: context.entry.key, jobDir: context.jobDir, secrets, cancelledBecause })
          .then(finish)
          .catch((error: Error) => fail(`GitHub Actions run ${run.id} completed, but goldsmith could not read it: ${error.message}`));
        stop();
      }
    };
    const stop = watcher.watch(
      { key: remote.key, runId: remote.runId, floorRunId: remote.floorRunId, since: input.since },
      {
        onUpdate: (next) => {
          failingSince = undefined;
          update(next);
        },
        onError: (error) => {
          if (isFatal(error)) return fail(`following GitHub Actions run ${snapshot.run?.id ?? `of job key ${remote.key}`} failed: ${error.message}`);
          failingSince ??= Date.now();
          if (Date.now() - failingSince > (input.outageMs ?? 15 * 60_000)) {
            fail(`GitHub's API failed for ${Math.round((Date.now() - failingSince) / 60_000)} minutes in a row (${error.message}); the run may still be going: ${snapshot.run?.html_url ?? `look for "goldsmith job ${remote.key}" in the Actions tab of ${config.repository}`}`);
          }
        },
      },
    );
    const clock = setInterval(() => {
      const now = Date.now();
      const { run } = snapshot;
      if (!run && now - input.since.getTime() > config.appear_timeout_minutes * 60_000) {
        if (cancelledBecause) return finish({ ok: false, ending: { state: 'cancelled', reason: `${cancelledBecause}; no run had appeared on GitHub Actions` } });
        return fail(
          `no run of ${config.workflow} named "goldsmith job ${remote.key}" appeared in ${config.repository} within ${config.appear_timeout_minutes} minutes of the dispatch (executors.github_actions.appear_timeout_minutes): check the Actions tab, and that the installed workflow keeps run-name "goldsmith job \${{ inputs.goldsmith_job }}"`,
        );
      }
      if (run?.status === 'queued' && now - Date.parse(run.created_at) > config.queue_timeout_minutes * 60_000) {
        cancelRun(`no runner took GitHub Actions run ${run.id} within ${config.queue_timeout_minutes} minutes (executors.github_actions.queue_timeout_minutes): check that a runner with the workflow's runs-on labels is online`);
      }
      if (runningSince !== undefined && now - runningSince > timeoutMs) {
        cancelRun(`timed out after ${context.entry.timeout_minutes} minutes (timeout_minutes of ${context.entry.key} in packer/matrix.json)`);
      }
    }, 1000);
    context.signal.addEventListener('abort', onCancel);
    context.detachSignal?.addEventListener('abort', onDetach);
    context.killSignal?.addEventListener('abort', onDetach);
    if (context.signal.aborted) onCancel();
    if (context.detachSignal?.aborted || context.killSignal?.aborted) onDetach();
  });
}
