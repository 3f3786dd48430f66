import { join } from 'node:path';
import type { LoadedConfig } from '../../config/load-config.js';
import type { RecordSigner } from '../../evidence/write-record.js';
import type { PromotionProgress, PromotionStepHook } from './promotion-session.js';
import { PromotionStore } from './promotion-store.js';
import { PromotionError, type Promotion } from './promotion-types.js';
import { resumeOpenPromotion } from './start-promotion.js';
import type { Settings } from '../../config/settings.js';

export interface ResumePromotionsOptions {
  config: LoadedConfig;
  signer: RecordSigner;
  settings: Settings;
  onProgress?: PromotionProgress | undefined;
  stepHook?: PromotionStepHook | undefined;
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
 * those whose process (on this host) died between two steps, each in the
 * store it started in (its platform, at its location). Each is taken over
 * atomically, so two processes starting at once never both run one. Call it
 * at start-up (goldsmith serve) and before a promote or rollback. Opens no
 * store when nothing is open.
 *
 * @example
 * for (const done of await resumePromotions({ config, signer, settings })) console.log(done.message);
 */
export async function resumePromotions(options: ResumePromotionsOptions): Promise<ResumedPromotion[]> {
  const probe = PromotionStore.open(join(options.config.state_dir, 'jobs.sqlite'));
  const candidates = probe.resumable();
  probe.close();
  if (candidates.length === 0) return [];
  const results: ResumedPromotion[] = [];
  for (const candidate of candidates) {
    try {
      const outcome = await resumeOpenPromotion(options, candidate);
      if (outcome) results.push({ promotion: outcome.promotion, outcome: 'succeeded', message: `finished ${candidate.action} of ${candidate.line}: sealed ${outcome.record.record}` });
    } catch (error) {
      if (!(error instanceof PromotionError)) throw error;
      const journal = PromotionStore.open(join(options.config.state_dir, 'jobs.sqlite'));
      try {
        results.push({ promotion: journal.get(candidate.id)!, outcome: error.code, message: error.message });
      } finally {
        journal.close();
      }
    }
  }
  return results;
}
