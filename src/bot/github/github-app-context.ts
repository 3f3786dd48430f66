import type { AllowedSigner } from '../../audit/parse-allowed-signers.js';
import type { Config } from '../../config/config-schema.js';
import type { Matrix } from '../../config/matrix-schema.js';
import type { GitHubStore } from './github-store.js';
import type { RepoRef } from './github-client.js';
import type { PromotionActions } from './promotion-actions.js';
import type { RevocationOperations } from '../../pipeline/revocations/revocation-operations.js';

/** The structured logger the app writes to (pino's signature). */
export interface GitHubAppLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Posts a line in the Slack thread of a build's job message, when it has one. */
export type BuildThreadNotifier = (jobId: number, text: string) => Promise<void>;

/** Where refusals and endings are kept: the job store's audit trail. */
export interface JobEvents {
  addEvent(jobId: number | null, kind: string, detail: string): void;
}

/** Everything the app's handlers use; createGitHubApp builds it. */
export interface GitHubAppContext {
  /** The GitHub App's id: its own check runs and comments are told apart by it. */
  appId: number;
  ref: RepoRef;
  settings: Config['github'];
  /** The local records root (config.records). */
  recordsRoot: string;
  matrix: Matrix;
  store: GitHubStore;
  promotion: PromotionActions;
  /** Revocations (`/revoke` on a promotion pull request); undefined when serve did not connect them. */
  revocations: RevocationOperations | undefined;
  jobs: JobEvents | undefined;
  notifyBuildThread: BuildThreadNotifier | undefined;
  /** The records' signer, so the evidence check verifies signatures against it rather than only the embedded keys. */
  allowedSigners: AllowedSigner[] | undefined;
  /** Values that must never reach a comment or a log line (WEBHOOK_SECRET, the private key, configured secrets). */
  secrets: string[];
  log: GitHubAppLogger;
}
