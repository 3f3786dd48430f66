import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitHubActionsExecutorConfig } from '../../../config/executors-schema.js';
import type { JobEnding } from '../../job-store.js';
import { readPackerOutcome } from '../../read-packer-outcome.js';
import type { ExecutorResult } from '../build-executor.js';
import type { ActionsClient } from './actions-client.js';
import { artifactsSchema, parseAnswer, type RunJobs, type WorkflowRun } from './actions-schemas.js';
import { unpackRunnerArtifact, type UnpackedArtifact } from './unpack-runner-artifact.js';

export interface ConcludeRunInput {
  client: ActionsClient;
  config: GitHubActionsExecutorConfig;
  run: WorkflowRun;
  jobs: RunJobs['jobs'] | undefined;
  /** The job's key: its artifact is `goldsmith-<key>`, and its build.json names it. */
  key: string;
  /** The line the job builds: the artifact's build.json must name it. */
  line: string;
  jobDir: string;
  secrets: readonly string[];
  /** goldsmith asked for the cancel (a user, or the line's timeout), and why. */
  cancelledBecause: string | undefined;
}

/** The step a failed run stopped at, for the reason. */
function failedStepOf(jobs: RunJobs['jobs'] | undefined): string | undefined {
  return jobs?.flatMap((job) => job.steps ?? []).find((step) => step.conclusion === 'failure')?.name;
}

async function fetchArtifact(input: ConcludeRunInput): Promise<UnpackedArtifact> {
  const { client, config, run, key } = input;
  const { data } = await client.request<unknown>('GET', `/repos/${config.repository}/actions/runs/${run.id}/artifacts?per_page=100`);
  const name = `goldsmith-${key}`;
  const artifact = parseAnswer(artifactsSchema, data, `the artifacts of run ${run.id}`).artifacts.find((candidate) => candidate.name === name);
  if (!artifact) throw new Error(`run ${run.id} left no artifact named ${name}: did its upload step run? (${run.html_url})`);
  if (artifact.expired) throw new Error(`the artifact ${name} of run ${run.id} has expired (retention-days of the workflow's upload step)`);
  const maxBytes = config.artifact_max_mb * 1024 * 1024;
  if (artifact.size_in_bytes > maxBytes) throw new Error(`the artifact ${name} of run ${run.id} is ${artifact.size_in_bytes} bytes, over executors.github_actions.artifact_max_mb (${config.artifact_max_mb} MiB); refused`);
  const zip = join(input.jobDir, 'artifact.zip');
  try {
    await client.download(`/repos/${config.repository}/actions/artifacts/${artifact.id}/zip`, zip, maxBytes);
    const unpacked = await unpackRunnerArtifact(zip, input.jobDir, { maxBytes, secrets: input.secrets });
    // Another job's evidence (a re-run, a copied artifact) must not be sealed as this one's.
    if (unpacked.facts.job !== key || unpacked.facts.line !== input.line) {
      throw new Error(`the artifact ${name} is the evidence of job ${unpacked.facts.job} (line ${unpacked.facts.line}), not of job ${key} (line ${input.line}); refused`);
    }
    return unpacked;
  } finally {
    await rm(zip, { force: true });
  }
}

/** The ending of a run that did not succeed, in the user's words, with the run's link (and the runner's log, when it uploaded one). */
async function endingOf(input: ConcludeRunInput): Promise<{ ending: JobEnding; log?: string | undefined }> {
  const { run } = input;
  const link = run.html_url;
  switch (run.conclusion) {
    case 'cancelled':
      return { ending: { state: 'cancelled', reason: input.cancelledBecause ? `${input.cancelledBecause}; GitHub Actions run ${run.id} was cancelled (${link})` : `GitHub Actions run ${run.id} was cancelled on GitHub (${link})` } };
    case 'timed_out':
      return { ending: { state: 'cancelled', reason: `GitHub Actions run ${run.id} timed out (the workflow's timeout-minutes) (${link})` } };
    case 'action_required':
      return { ending: { state: 'failed', reason: `GitHub Actions run ${run.id} needs an approval (action_required): someone with write access must approve it on GitHub (${link})` } };
    case 'startup_failure':
      return { ending: { state: 'failed', reason: `GitHub Actions run ${run.id} failed to start (startup_failure): the installed workflow is invalid or not allowed to run; open the run (${link})` } };
    case 'failure': {
      // The runner's own account of the failure (Packer's error), when its evidence was uploaded.
      const artifact = await fetchArtifact(input).catch(() => undefined);
      const step = failedStepOf(input.jobs);
      const why = artifact?.facts.reason ?? 'see the run for why';
      return {
        ending: { state: 'failed', reason: `GitHub Actions run ${run.id} failed${step ? ` at step "${step}"` : ''}: ${why} (${link})`, tail: artifact?.facts.tail.join('\n') ?? null, exitCode: artifact?.facts.exit_code ?? null },
        log: artifact?.log,
      };
    }
    default:
      return { ending: { state: 'failed', reason: `GitHub Actions run ${run.id} ended ${run.conclusion ?? 'without a conclusion'} (${link})` } };
  }
}

/**
 * Turns a completed run into the job's result. A success is taken only
 * when the run's artifact unpacks cleanly (see unpackRunnerArtifact) and
 * its log, read again here, shows a finished build: the record is sealed
 * from what was checked, never from what the runner claims.
 */
export async function concludeRun(input: ConcludeRunInput): Promise<ExecutorResult> {
  const { run, config } = input;
  if (run.conclusion !== 'success') return { ok: false, ...(await endingOf(input)) };
  let artifact: UnpackedArtifact;
  try {
    artifact = await fetchArtifact(input);
  } catch (error) {
    return { ok: false, ending: { state: 'failed', reason: `GitHub Actions run ${run.id} succeeded, but its evidence was refused: ${(error as Error).message}` } };
  }
  const outcome = await readPackerOutcome(artifact.log);
  if (!outcome.succeeded || !artifact.facts.succeeded) {
    return { ok: false, ending: { state: 'failed', reason: `GitHub Actions run ${run.id} succeeded, but its log does not show a finished build: ${outcome.reason ?? artifact.facts.reason} (${run.html_url})`, tail: artifact.facts.tail.join('\n') } };
  }
  const job = input.jobs?.[0];
  return {
    ok: true,
    log: artifact.log,
    manifest: artifact.manifest,
    packerProvenance: artifact.packerProvenance,
    outcome: { ...outcome, packerVersion: outcome.packerVersion ?? artifact.facts.packer_version ?? undefined },
    facts: { template: artifact.facts.template, var_files: artifact.facts.var_files },
    where: {
      kind: 'github-actions',
      repository: config.repository,
      workflow: config.workflow,
      run_id: run.id,
      run_attempt: run.run_attempt ?? 1,
      run_url: run.html_url,
      runner_name: job?.runner_name ?? artifact.facts.runner.name,
      runner_labels: job?.labels ?? [],
      head_sha: /^[0-9a-f]{40}$/.test(run.head_sha) ? run.head_sha : null,
    },
    tail: artifact.facts.tail,
  };
}
