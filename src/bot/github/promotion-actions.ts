import type { Requester } from '../../evidence/run-schema.js';
import type { WrittenRecord } from '../../evidence/write-record.js';

/** The pull request an action was approved or asked for on. */
export interface PullRequestRef {
  url: string;
  number: number;
}

export interface PromoteInput {
  /** The matrix key of the line. */
  line: string;
  /** The build record approved, `builds/<line>/<ts>`. */
  buildRecord: string;
  /** SHA-256 of the build record's SHA256SUMS as approved: the promotion must refuse if the record no longer hashes to it. */
  expectedBuildSha256: string;
  /** The build's requester (run.json `requested_by`). */
  requestedBy: Requester;
  /** Every distinct approver, oldest first. */
  approvedBy: Requester[];
  pullRequest: PullRequestRef;
  /** The build's job, when goldsmith ran it. */
  jobId: number | null;
  /** The token of the line lock the approval holds: the promotion runs under it. */
  lineLock?: string | undefined;
}

export interface RollbackInput {
  line: string;
  /** Who asked for it (a rollback needs no second person: it restores a template that was approved before). */
  requestedBy: Requester;
  /** The pull request the command was given on, if any. */
  pullRequest: PullRequestRef | null;
  /** The token of the line lock the command holds: the rollback runs under it. */
  lineLock?: string | undefined;
}

/** What a promotion or rollback did: its sealed record, and one line for the user. */
export interface PromotionOutcome {
  record: WrittenRecord;
  summary: string;
}

/**
 * Promotion and rollback as the GitHub app uses them. `goldsmith serve`
 * passes storePromotionActions (src/pipeline/promotion, every line in its
 * platform's template store), which swaps the templates with a journal and
 * seals the promotion record; the app only sees this interface. Each method rejects with a message that says what to do;
 * an error with `code: 'refused'` or `code: 'busy'` means nothing was changed
 * (the user sees a refusal rather than a failure).
 *
 * @example
 * const actions: PromotionActions = {
 *   promote: (input) => promoteLine({ ...input, config, signer }),
 *   rollback: (input) => rollbackLine({ ...input, config, signer }),
 * };
 */
export interface PromotionActions {
  promote(input: PromoteInput): Promise<PromotionOutcome>;
  rollback(input: RollbackInput): Promise<PromotionOutcome>;
}
