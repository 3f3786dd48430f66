import { join } from 'node:path';
import type { LoadedConfig } from '../../config/load-config.js';
import type { RecordSigner } from '../../evidence/write-record.js';
import { openPromotionSession, type PromotionProgress } from './promotion-session.js';
import { PromotionStore } from './promotion-store.js';
import { PromotionError, type Promotion } from './promotion-types.js';
import { runPromotion } from './run-promotion.js';
import type { Settings } from '../../config/settings.js';

export interface ResumePromotionsOptions {
  config: LoadedConfig;
  signer: RecordSigner;
  settings: Settings;
  onProgress?: PromotionProgress | undefined;
}

/** How one resumed promotion ended. */
export interface ResumedPromotion {
  promotion: Promotion;
  outcome: 'succeeded' | 'refused' | 'failed' | 'interrupted' | 'busy';
  /** The record sealed, or why not. */
  message: string;
}

/**
 * Finishes every promotion and rollback left open: interrupted ones, and
 * those whose process (on this host) died between two steps. Each is taken
 * over atomically, so two processes starting at once never both run one.
 * Call it at start-up (goldsmith serve) and before a promote or rollback.
 * Needs no vSphere connection when nothing is open.
 *
 * @example
 * for (const done of await resumePromotions({ config, signer, settings })) console.log(done.message);
 */
export async function resumePromotions(options: ResumePromotionsOptions): Promise<ResumedPromotion[]> {
  const probe = PromotionStore.open(join(options.config.state_dir, 'jobs.sqlite'));
  const candidates = probe.resumable();
  probe.close();
  if (candidates.length === 0) return [];
  const session = openPromotionSession(options);
  const results: ResumedPromotion[] = [];
  try {
    for (const candidate of candidates) {
      if (!session.journal.takeOver(candidate.id)) continue;
      try {
        const outcome = await runPromotion(session, session.journal.get(candidate.id)!);
        results.push({ promotion: outcome.promotion, outcome: 'succeeded', message: `finished ${candidate.action} of ${candidate.line}: sealed ${outcome.record.record}` });
      } catch (error) {
        if (!(error instanceof PromotionError)) throw error;
        results.push({ promotion: session.journal.get(candidate.id)!, outcome: error.code, message: error.message });
      }
    }
    return results;
  } finally {
    session.close();
  }
}
