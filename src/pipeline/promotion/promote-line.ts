import { startPromotion, type PromotionRequest, type PromotionResult } from './start-promotion.js';

export interface PromoteLineOptions extends PromotionRequest {
  /**
   * The SHA-256 of the approved build record's SHA256SUMS. The promotion is
   * refused when the line's latest build record no longer hashes to it.
   */
  expectedSums?: string | undefined;
}

/**
 * Promotes a line's fresh build in its platform's template store: checks
 * `<base>-build` exists and is what the record built, destroys
 * `<base>-prev`, renames `<base>` to `<base>-prev` and `<base>-build` to
 * `<base>`, verifies, and seals a promotion record naming
 * the line's latest build record by its SHA256SUMS digest. Every step is
 * journaled; an interrupted promotion is finished by the next call (or by
 * resumePromotions). Throws PromotionError: `refused` (nothing touched),
 * `busy`, `interrupted` (run again), `failed` (previous templates restored).
 *
 * @example
 * const { record, steps } = await promoteLine({
 *   config, line: 'sim-ubuntu-24.04', signer, settings,
 *   requestedBy: { source: 'github', user: 'alice' }, approvedBy: [{ source: 'github', user: 'bob' }],
 *   expectedSums: '3f5a…', pullRequest: { url, number: 12 },
 * });
 */
export function promoteLine(options: PromoteLineOptions): Promise<PromotionResult> {
  return startPromotion('promote', options, options.expectedSums);
}
