/**
 * True when a promotion or rollback rejected with an error whose `code` is
 * `refused` or `busy` (src/pipeline/promotion's PromotionError): nothing was
 * changed, so the user gets a refusal with the reason rather than a failure.
 *
 * @example
 * isRefusal(new PromotionError('refused', 'sim-a has no tpl-sim-a-prev …')) // true
 */
export function isRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'refused' || code === 'busy';
}
