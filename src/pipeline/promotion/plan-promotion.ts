import { describeLineLock } from '../line-locks.js';
import { findStoreLine } from '../stores/find-store-line.js';
import { templatePlatformOf } from '../stores/registry.js';
import { planPromote, type CheckedPlan } from './plan-promote.js';
import { planRollback } from './plan-rollback.js';
import { describeHolder } from './promotion-store.js';
import { PromotionError, type Promotion, type PromotionAction } from './promotion-types.js';
import { withPromotionSession, type PromotionRequest } from './start-promotion.js';

/** What a promotion or rollback would do now, and what stands in its way. */
export interface PromotionPreview {
  line: string;
  action: PromotionAction;
  baseName: string;
  /** The store, in words: its label and location. */
  where: string;
  /** The check's findings and the plan, or why the check refuses. */
  checked: { ok: true; plan: CheckedPlan } | { ok: false; message: string };
  /** Anything holding the line now (a real run would be refused, or would first finish an open one). */
  busy: string | undefined;
}

/**
 * The dry run of a promotion or rollback: runs the check step against the
 * line's store and returns the plan it fixes, without journaling, locking
 * or changing anything.
 *
 * @example
 * const preview = await planPromotion('promote', { config, settings, signer, line: 'ubuntu-24.04', requestedBy });
 * preview.checked.ok && preview.checked.plan.plan.ops.map((op) => op.name);
 */
export async function planPromotion(action: PromotionAction, request: PromotionRequest, expectedSums?: string): Promise<PromotionPreview> {
  const entry = findStoreLine(request.config, request.line);
  return withPromotionSession(request, { platform: entry.platform }, async (session) => {
    const open = session.journal.open(entry.key);
    const lock = session.journal.lineLock(entry.key);
    const busy = open ? `${describeHolder(open)}; a real run first finishes it` : lock ? describeLineLock(lock) : undefined;
    const promotion: Promotion = {
      id: 0,
      line: entry.key,
      action,
      baseName: entry.base_name,
      platform: entry.platform,
      location: session.store.location,
      state: 'running',
      direction: 'forward',
      requester: request.requestedBy,
      approvers: request.approvedBy ?? [request.requestedBy],
      pullRequest: request.pullRequest ?? null,
      expectedSums: expectedSums ?? null,
      build: null,
      plan: null,
      ownerPid: process.pid,
      ownerHost: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      reason: null,
      recordPath: null,
      logPath: null,
    };
    let checked: PromotionPreview['checked'];
    try {
      checked = { ok: true, plan: await (action === 'promote' ? planPromote : planRollback)(session, promotion) };
    } catch (error) {
      if (!(error instanceof PromotionError) && session.store.isTransient(error)) throw error;
      checked = { ok: false, message: (error as Error).message };
    }
    const where = `${templatePlatformOf(entry.platform)?.label ?? entry.platform} ${session.store.location}`;
    return { line: entry.key, action, baseName: entry.base_name, where, checked, busy };
  });
}
