import type { LoadedConfig } from '../../config/load-config.js';
import type { PromotionRun, Requester } from '../../evidence/run-schema.js';
import type { RecordSigner } from '../../evidence/write-record.js';
import { findVsphereLine } from './find-vsphere-line.js';
import { openPromotionSession, type PromotionProgress } from './promotion-session.js';
import { PromotionError, type PromotionAction } from './promotion-types.js';
import { runPromotion, type PromotionOutcome } from './run-promotion.js';
import type { Settings } from '../../config/settings.js';

export interface PromotionRequest {
  config: LoadedConfig;
  /** A matrix key or alias of a vSphere line. */
  line: string;
  requestedBy: Requester;
  /** Who approved; defaults to the requester (the CLI user approves their own command). */
  approvedBy?: Requester[] | undefined;
  pullRequest?: PromotionRun['pull_request'] | undefined;
  signer: RecordSigner;
  settings: Settings;
  /** Called as each step starts and ends, for live progress. */
  onProgress?: PromotionProgress | undefined;
}

export interface PromotionResult extends PromotionOutcome {
  /** True when this call finished an earlier, interrupted run of the same action rather than starting one. */
  resumed: boolean;
}

/**
 * Runs a promotion or rollback of one line: first finishes one an earlier
 * run left open on the line (and answers with it when it was the same
 * action), then starts a new one, refused with who holds the line and since
 * when if another process is at it. Shared by promoteLine and rollbackLine.
 */
export async function startPromotion(action: PromotionAction, request: PromotionRequest, expectedSums?: string): Promise<PromotionResult> {
  const entry = findVsphereLine(request.config, request.line);
  const session = openPromotionSession({ config: request.config, settings: request.settings, signer: request.signer, onProgress: request.onProgress });
  try {
    const { journal } = session;
    const open = journal.open(entry.key);
    if (open && journal.takeOver(open.id)) {
      const outcome = await runPromotion(session, journal.get(open.id)!);
      const same = open.action === action && (!expectedSums || (open.expectedSums ?? open.build?.sums_sha256) === expectedSums);
      if (same) return { ...outcome, resumed: true };
    }
    const begun = journal.begin({
      line: entry.key,
      action,
      baseName: entry.base_name,
      folder: session.connection.folder,
      requester: request.requestedBy,
      approvers: request.approvedBy ?? [request.requestedBy],
      pullRequest: request.pullRequest ?? null,
      expectedSums: expectedSums ?? null,
    });
    if (!begun.ok) throw new PromotionError('busy', `${begun.message}; wait for it to finish and try again`);
    return { ...(await runPromotion(session, begun.promotion)), resumed: false };
  } finally {
    session.close();
  }
}
