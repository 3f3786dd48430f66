import type { Settings } from '../config/settings.js';
import { userInfo } from 'node:os';
import type { LoadedConfig } from '../config/load-config.js';
import { readSigner } from '../evidence/read-signer.js';
import { planPromotion } from '../pipeline/promotion/plan-promotion.js';
import type { PromotionStepHook } from '../pipeline/promotion/promotion-session.js';
import { rollbackLine } from '../pipeline/promotion/rollback-line.js';
import { findStoreLine } from '../pipeline/stores/find-store-line.js';
import { formatPromotionOutcome, formatPromotionPreview, printPromotionSteps } from './format-promotion.js';
import { resumeBeforeCommand } from './promote.js';

export interface RollbackCommandOptions {
  requestedBy?: string;
  /** Print the check's findings and the steps; change nothing. */
  dryRun?: boolean;
  /** Test seam (never set by the CLI): awaited between steps. */
  stepHook?: PromotionStepHook | undefined;
}

/**
 * `goldsmith rollback <line> [--dry-run]`: first finishes any promotion an
 * earlier process left open, then makes `<base>-prev` the line's `<base>`
 * again in its platform's template store, keeping the replaced template as
 * `<base>-rolledback-<ts>`, and seals the record. With --dry-run: prints the
 * steps and changes nothing.
 */
export async function rollbackCommand(config: LoadedConfig, settings: Settings, selector: string, options: RollbackCommandOptions, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const entry = findStoreLine(config, selector);
  const signer = readSigner(config.signing.key, config.signing.identity);
  const user = { source: 'cli' as const, user: options.requestedBy ?? userInfo().username };
  if (options.dryRun) {
    const preview = await planPromotion('rollback', { config, line: entry.key, requestedBy: user, signer, settings });
    stdout.write(formatPromotionPreview(preview));
    return preview.checked.ok ? 0 : 1;
  }
  const resumed = await resumeBeforeCommand(config, 'rollback', entry.key, signer, settings, stdout, stderr, options.stepHook);
  if (resumed !== undefined) return resumed;
  const outcome = await rollbackLine({ config, line: entry.key, requestedBy: user, approvedBy: [user], signer, settings, onProgress: printPromotionSteps(stdout), stepHook: options.stepHook });
  stdout.write(formatPromotionOutcome(outcome, config.records));
  return 0;
}
