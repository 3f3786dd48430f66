import type { MatrixEntry } from '../config/matrix-schema.js';
import type { Requester } from '../evidence/run-schema.js';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States a job never leaves. */
export const FINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

/**
 * A build running on a CI engine, as the job store keeps it: enough for a
 * restarted goldsmith to find the run again. `key` is given before the
 * dispatch and travels in the run's name, so the run can be found even when
 * goldsmith stopped between dispatching and learning the run's id.
 */
export interface RemoteRun {
  executor: 'github-actions';
  key: string;
  repository: string;
  workflow: string;
  ref: string;
  /** When the dispatch was sent, or about to be (kept just before it: the run is looked for from then). */
  dispatchedAt: string | null;
  /** The newest run id of the workflow seen before dispatching: the job's run has a higher one. */
  floorRunId: number | null;
  runId: number | null;
  runUrl: string | null;
  attempt: number | null;
}

/** One build of one line, as the job store keeps it. */
export interface Job {
  id: number;
  line: string;
  requester: Requester;
  state: JobState;
  /** The build's current stage (creating VM, provisioning, …), or null before it starts. */
  stage: string | null;
  /** Why the job ended as it did, in the user's words. */
  reason: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  logPath: string | null;
  recordPath: string | null;
  logSha256: string | null;
  artifactId: string | null;
  /** The last lines of the log (scrubbed), kept for the user when a build fails. */
  tail: string | null;
  cancelRequested: boolean;
  ownerPid: number | null;
  ownerHost: string | null;
  /** The process group Packer runs in while it runs (its leader's pid); kept when goldsmith died under it. */
  packerPgid: number | null;
  /** The matrix entry as it was when the job was queued (null for jobs queued before goldsmith stored it). */
  entry: MatrixEntry | null;
  /** Where the build runs: `local`, or a CI engine's kind. */
  executor: string;
  /** The CI run of a remote build, once dispatched. */
  remote: RemoteRun | null;
}

export interface JobEvent {
  id: number;
  jobId: number | null;
  at: string;
  kind: string;
  detail: string;
}

/**
 * The answer to a build request: a queued job, or why not. `holder` is the
 * job that holds the line, when a job does (a promotion may hold it too);
 * `message` says who, since when, why, and how to release it.
 */
export type RequestResult = { ok: true; job: Job } | { ok: false; holder: Job | undefined; message: string };
