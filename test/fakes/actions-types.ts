import type { Workflow } from './actions-workflow.js';

/** The state the fake Actions API keeps per run, job, step and artifact, and how a run may be told to behave. */

/** How a dispatched run behaves; picked per dispatch from its inputs. */
export interface Scenario {
  /** A forced outcome: `failure` fails the goldsmith step without running it; `timed_out` stops it after `timeoutAfterMs`; the others never start a runner. */
  conclusion?: 'failure' | 'timed_out' | 'action_required' | 'startup_failure';
  /** How long the goldsmith step runs before a `timed_out` run is stopped (default 500). */
  timeoutAfterMs?: number;
  /** `false`: the dispatch is accepted but no run is ever created (as GHES sometimes does). */
  appear?: false;
  /** `missing`: the upload step succeeds but no artifact is listed; or more in the zip: hostile entries, a big padding file. */
  artifact?: 'missing' | { extraEntries: Array<{ name: string; data: Buffer | string }> } | { padBytes: number };
  /** Milliseconds the goldsmith step spends before its command starts. */
  runDelayMs?: number;
  /** Run no command: the goldsmith step succeeds after `runDelayMs` and the artifact holds these files. */
  synthetic?: { files: Record<string, Buffer | string> };
}

export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'startup_failure';
export type Status = 'queued' | 'in_progress' | 'completed';

export interface FakeStep {
  name: string;
  number: number;
  status: Status;
  conclusion: Conclusion | null;
  startedAt: string | null;
  completedAt: string | null;
}

export interface FakeJob {
  id: number;
  name: string;
  status: Status;
  conclusion: Conclusion | null;
  createdAt: string;
  startedAt: string;
  completedAt: string | null;
  runnerId: number | null;
  runnerName: string | null;
  labels: string[];
  /** Empty until a runner takes the job, as on GitHub. */
  steps: FakeStep[];
  /** The job's log: `<ISO timestamp> <line>`, secrets masked. */
  log: string[];
  /** The goldsmith step's process (and process group) id, once started. */
  pid?: number;
}

export interface FakeArtifact {
  id: number;
  runId: number;
  name: string;
  zip: Buffer;
  digest: string;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
}

export interface FakeRun {
  id: number;
  runNumber: number;
  inputs: Record<string, string>;
  scenario: Scenario;
  displayTitle: string;
  headBranch: string;
  headSha: string;
  status: Status;
  conclusion: Conclusion | null;
  createdAt: string;
  updatedAt: string;
  runStartedAt: string;
  /** Undefined for a run that never got a job (startup_failure, action_required). */
  job: FakeJob | undefined;
  artifacts: FakeArtifact[];
  /** The runner's checkout, where the goldsmith step ran. */
  workspace?: string;
}

/** What a run needs from the fake that owns it. */
export interface RunContext {
  workflow: Workflow;
  goldsmithCommand: string[];
  vars: Record<string, string>;
  secrets: Record<string, string>;
  extraEnv: Record<string, string>;
  workspace: string | undefined;
  checkout: 'copy' | 'in-place';
  queueDelayMs: number;
  cancelGraceMs: number;
  owner: string;
  repo: string;
  apiUrl: () => string;
  serverUrl: () => string;
  tempDir: string;
  nextId: (kind: 'job' | 'artifact') => number;
  acquireRunner: (signal: AbortSignal) => Promise<{ number: number; release: () => void }>;
  changed: (run: FakeRun) => void;
}

/** GitHub's timestamps: UTC, whole seconds. */
export const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
