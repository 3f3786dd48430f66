import { startPromotion, type PromotionRequest, type PromotionResult } from './start-promotion.js';

/**
 * Rolls a line back one step, in its platform's template store: `<base>` is kept as
 * `<base>-rolledback-<ts>` and `<base>-prev` becomes `<base>` again. Journaled
 * and sealed like a promotion (action `rollback`; its `build` is the build
 * record that `<base>-prev` was promoted from, when the journal knows it).
 * Throws PromotionError `refused` when there is no `<base>-prev`.
 *
 * @example
 * const { record } = await rollbackLine({ config, line: 'sim-ubuntu-24.04', signer, settings,
 *   requestedBy: { source: 'slack', user: 'U123' } });
 */
export function rollbackLine(options: PromotionRequest): Promise<PromotionResult> {
  return startPromotion('rollback', options);
}
