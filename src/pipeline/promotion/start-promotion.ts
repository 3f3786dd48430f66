import type { LoadedConfig } from '../../config/load-config.js';
import type { Settings } from '../../config/settings.js';
import type { PromotionRun, Requester } from '../../evidence/run-schema.js';
import type { RecordSigner } from '../../evidence/write-record.js';
import { findStoreLine } from '../stores/find-store-line.js';
import { openPromotionSession, type PromotionProgress, type PromotionSession, type PromotionStepHook } from './promotion-session.js';
import { PromotionError, type Promotion, type PromotionAction } from './promotion-types.js';
import { runPromotion, type PromotionOutcome } from './run-promotion.js';

export interface PromotionRequest {
  config: LoadedConfig;
  /** A matrix key or alias of a line whose platform has a template store. */
  line: string;
  requestedBy: Requester;
  /** Who approved; defaults to the requester (the CLI user approves their own command). */
  approvedBy?: Requester[] | undefined;
  pullRequest?: PromotionRun['pull_request'] | undefined;
  signer: RecordSigner;
  settings: Settings;
  /** Called as each step starts and ends, for live progress. */
  onProgress?: PromotionProgress | undefined;
  /** Test seam: awaited between steps (see PromotionStepHook). */
  stepHook?: PromotionStepHook | undefined;
  /** The token of the line lock the caller already holds (a pull request's approval): the promotion runs under it. */
  underLock?: string | undefined;
}

export interface PromotionResult extends PromotionOutcome {
  /** True when this call finished an earlier, interrupted run of the same action rather than starting one. */
  resumed: boolean;
}

/**
 * Runs `act` with a session on the store of `platform` at `location` (a
 * resumed promotion works where it started, whatever the config says now).
 */
export async function withPromotionSession<T>(
  request: Pick<PromotionRequest, 'config' | 'settings' | 'signer' | 'onProgress' | 'stepHook'>,
  where: { platform: string; location?: string | undefined },
  act: (session: PromotionSession) => Promise<T>,
): Promise<T> {
  const session = openPromotionSession({ ...request, ...where });
  try {
    return await act(session);
  } finally {
    session.close();
  }
}

/** Takes over and runs a promotion an earlier process left open, in its own store. */
export function resumeOpenPromotion(request: Pick<PromotionRequest, 'config' | 'settings' | 'signer' | 'onProgress' | 'stepHook'>, open: Promotion): Promise<PromotionOutcome | undefined> {
  return withPromotionSession(request, { platform: open.platform, location: open.location }, async (session) =>
    session.journal.takeOver(open.id) ? runPromotion(session, session.journal.get(open.id)!) : undefined,
  );
}

/**
 * Runs a promotion or rollback of one line, in the template store of its
 * platform: first finishes one an earlier run left open on the line (and
 * answers with it when it was the same action), then starts a new one,
 * refused with who holds the line, since when, why and how to release it if
 * anything else holds it. Shared by promoteLine and rollbackLine.
 */
export async function startPromotion(action: PromotionAction, request: PromotionRequest, expectedSums?: string): Promise<PromotionResult> {
  const entry = findStoreLine(request.config, request.line);
  return withPromotionSession(request, { platform: entry.platform }, async (session) => {
    const { journal } = session;
    const open = journal.open(entry.key);
    if (open && journal.resumable().some((candidate) => candidate.id === open.id)) {
      const outcome = await resumeOpenPromotion(request, open);
      const same = open.action === action && (!expectedSums || (open.expectedSums ?? open.build?.sums_sha256) === expectedSums);
      if (outcome && same) return { ...outcome, resumed: true };
    }
    const begun = journal.begin({
      line: entry.key,
      action,
      baseName: entry.base_name,
      platform: entry.platform,
      location: session.store.location,
      requester: request.requestedBy,
      approvers: request.approvedBy ?? [request.requestedBy],
      pullRequest: request.pullRequest ?? null,
      expectedSums: expectedSums ?? null,
      underLock: request.underLock,
    });
    if (!begun.ok) throw new PromotionError('busy', `${begun.message}; wait for it to finish and try again`);
    return { ...(await runPromotion(session, begun.promotion)), resumed: false };
  });
}
