import type { GitHubActionsExecutorConfig } from '../../../config/executors-schema.js';
import { ActionsApiError, type ActionsClient } from './actions-client.js';
import { dispatchResponseSchema, parseAnswer } from './actions-schemas.js';
import type { RunWatcher } from './run-watcher.js';

/** What a dispatch tells: the run's id and links (GitHub.com), or only a floor id to find it above (GitHub Enterprise Server). */
export type DispatchResult = { runId: number; htmlUrl: string; floorRunId: null } | { runId: null; htmlUrl: null; floorRunId: number | null };

/** The server refuses `return_run_details` (GitHub Enterprise Server): per API host, learnt once. */
export interface DispatchMemory {
  refusesRunDetails: boolean;
}

function explain(error: unknown, config: GitHubActionsExecutorConfig): Error {
  if (!(error instanceof ActionsApiError)) return error as Error;
  const where = `workflow ${config.workflow} of ${config.repository} at ${config.ref}`;
  switch (error.status) {
    case 401:
      return new Error(`GitHub refused the token (401 ${error.apiMessage}): check GITHUB_TOKEN, or the GitHub App's credentials`);
    case 403:
      return new Error(`GitHub refused to dispatch ${where} (403 ${error.apiMessage}): the token or the app installation needs Actions: write on ${config.repository}`);
    case 404:
      return new Error(`GitHub does not know ${where} (404): install packer/ci/github-actions/goldsmith-build.yml as .github/workflows/${config.workflow} on ${config.ref}, and give the token Actions: write (docs/executors.md)`);
    case 422:
      return new Error(`GitHub refused the dispatch of ${where} (422 ${error.apiMessage}): the installed workflow must take the inputs goldsmith_job, line, entry and packer_vars; copy it again from packer/ci/github-actions/goldsmith-build.yml`);
    default:
      return new Error(`GitHub answered ${error.status} to the dispatch of ${where}: ${error.apiMessage}`);
  }
}

/**
 * Dispatches the workflow for one job with `return_run_details: true`, so
 * GitHub answers with the run's id. A server that refuses the key (GitHub
 * Enterprise Server: "not a permitted key") is asked again without it, after
 * noting the newest run id: the job's run is then the one above it whose
 * name carries the job's unique key (never "the latest run"). Throws with
 * the fix for a missing workflow, a refused token or wrong inputs.
 *
 * @example
 * const dispatched = await dispatchWorkflowRun(client, watcher, config, memory, { goldsmith_job: '7-a1b2', line: 'win2025', entry: '{…}', packer_vars: '{}' });
 */
export async function dispatchWorkflowRun(
  client: ActionsClient,
  watcher: RunWatcher,
  config: GitHubActionsExecutorConfig,
  memory: DispatchMemory,
  inputs: Record<string, string>,
): Promise<DispatchResult> {
  const path = `/repos/${config.repository}/actions/workflows/${encodeURIComponent(config.workflow)}/dispatches`;
  try {
    if (!memory.refusesRunDetails) {
      try {
        const answer = await client.request<unknown>('POST', path, { ref: config.ref, inputs, return_run_details: true });
        if (answer.status === 200 && answer.data !== undefined) {
          const details = parseAnswer(dispatchResponseSchema, answer.data, 'the dispatch');
          return { runId: details.workflow_run_id, htmlUrl: details.html_url, floorRunId: null };
        }
        // 204: a server that ignored the key dispatched anyway, and said nothing of the run. It is found by name.
        return { runId: null, htmlUrl: null, floorRunId: null };
      } catch (error) {
        if (!(error instanceof ActionsApiError && error.status === 422 && /return_run_details/.test(error.apiMessage))) throw error;
        memory.refusesRunDetails = true;
      }
    }
    const floorRunId = await watcher.newestRunId();
    await client.request<unknown>('POST', path, { ref: config.ref, inputs });
    return { runId: null, htmlUrl: null, floorRunId };
  } catch (error) {
    throw explain(error, config);
  }
}
