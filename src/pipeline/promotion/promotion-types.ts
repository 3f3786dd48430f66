import type { PromotionRun, Requester } from '../../evidence/run-schema.js';

export type PromotionAction = 'promote' | 'rollback';
export type PromotionState = 'running' | 'interrupted' | 'succeeded' | 'failed';

/**
 * One operation of a promotion or rollback. The check step fixes the whole
 * plan, with the store's references, before anything changes, so a resumed
 * run acts on exactly the templates the first run saw.
 */
export type PlannedOp =
  | { key: string; name: string; kind: 'destroy'; ref: string | null; target: string; absent: string }
  | {
      key: string;
      name: string;
      kind: 'rename';
      ref: string | null;
      from: string;
      to: string;
      /** True when the object vanishing on its own is harmless (the old `<base>`): the step is then skipped. */
      optional: boolean;
      /** The step's detail when there was no such object at check time. */
      absent: string;
    }
  | { key: string; name: string; kind: 'verify'; template: string };

export interface PromotionPlan {
  /** The identity of the store the references belong to: a resume against another would act on strangers. */
  store: string;
  ops: PlannedOp[];
}

/** A promotion or rollback as the journal keeps it. */
export interface Promotion {
  id: number;
  line: string;
  action: PromotionAction;
  baseName: string;
  /** The line's platform: which template store the promotion works in. */
  platform: string;
  /** The store's location (templates folder, image directory) at the start: a resume works there. */
  location: string;
  state: PromotionState;
  /** `revert` once a failure made goldsmith put the previous templates back. */
  direction: 'forward' | 'revert';
  requester: Requester;
  approvers: Requester[];
  pullRequest: PromotionRun['pull_request'];
  /** The SHA256SUMS digest the approver approved, when one was given. */
  expectedSums: string | null;
  build: PromotionRun['build'];
  plan: PromotionPlan | null;
  ownerPid: number | null;
  ownerHost: string | null;
  startedAt: string;
  finishedAt: string | null;
  reason: string | null;
  recordPath: string | null;
  logPath: string | null;
}

/** One journal entry: a step about to run (`started`) or its end. */
export interface JournalStep {
  key: string;
  name: string;
  phase: 'started' | 'ok' | 'skipped' | 'failed';
  detail: string;
  at: string;
}

/** What goldsmith knows of a line's `<base>-build`. */
export interface LineBuild {
  line: string;
  state: 'building' | 'built';
  jobId: number | null;
  record: string | null;
  /** The store's reference of the `-build` the job made, when known. */
  ref: string | null;
  updatedAt: string;
}

/** How a promotion or rollback ended, for callers that show it. */
export type PromotionErrorCode = 'refused' | 'busy' | 'interrupted' | 'failed';

/**
 * Why a promotion or rollback did not complete, in words for the user.
 * `refused`: nothing was touched. `busy`: another one holds the line.
 * `interrupted`: the store did not answer (a transient error); running the
 * same command again resumes it. `failed`: goldsmith put the previous
 * templates back.
 */
export class PromotionError extends Error {
  readonly exitCode = 1;
  constructor(
    readonly code: PromotionErrorCode,
    message: string,
    readonly promotionId: number | null = null,
  ) {
    super(message);
  }
}
