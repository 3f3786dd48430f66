import type { Settings } from '../config/settings.js';
import { userInfo } from 'node:os';
import type { LoadedConfig } from '../config/load-config.js';
import { readSigner } from '../evidence/read-signer.js';
import { planPromotion } from '../pipeline/promotion/plan-promotion.js';
import { promoteLine } from '../pipeline/promotion/promote-line.js';
import type { PromotionStepHook } from '../pipeline/promotion/promotion-session.js';
import { resumePromotions } from '../pipeline/promotion/resume-promotions.js';
import { findStoreLine } from '../pipeline/stores/find-store-line.js';
import { formatPromotionOutcome, formatPromotionPreview, printPromotionSteps } from './format-promotion.js';
import { UsageError } from './usage-error.js';

export interface PromoteCommandOptions {
  /** SHA-256 of the approved build record's SHA256SUMS; refuse if the latest build no longer hashes to it. */
  expectSums?: string;
  requestedBy?: string;
  /** Print the check's findings and the steps; change nothing. */
  dryRun?: boolean;
  /** Test seam (never set by the CLI): awaited between steps. test/helpers/promotion-launcher.mjs passes one. */
  stepHook?: PromotionStepHook | undefined;
}

/**
 * Finishes promotions and rollbacks an earlier process left open. Returns
 * the exit status when one of them was `action` on `line` (the user's retry:
 * it is the answer), else undefined.
 */
export async function resumeBeforeCommand(
  config: LoadedConfig,
  action: 'promote' | 'rollback',
  line: string,
  signer: ReturnType<typeof readSigner>,
  settings: Settings,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  stepHook?: PromotionStepHook,
): Promise<number | undefined> {
  let answer: number | undefined;
  for (const resumed of await resumePromotions({ config, signer, settings, onProgress: printPromotionSteps(stdout), stepHook })) {
    const mine = resumed.promotion.line === line && resumed.promotion.action === action;
    if (resumed.outcome === 'succeeded') {
      stdout.write(`resumed promotion ${resumed.promotion.id}: ${resumed.message}\n`);
      if (mine) {
        stdout.write(`verify: goldsmith audit ${config.records}\n`);
        answer = 0;
      }
    } else {
      stderr.write(`goldsmith: resuming promotion ${resumed.promotion.id}: ${resumed.message}\n`);
      if (mine) answer = 1;
    }
  }
  return answer;
}

/**
 * `goldsmith promote <line> [--expect-sums SHA256] [--dry-run]`: first
 * finishes any promotion an earlier process left open, then promotes the
 * line's latest build in its platform's template store, printing each step,
 * and seals the promotion record. With --dry-run: prints what the check
 * finds and the steps it would take, and changes nothing.
 */
export async function promoteCommand(config: LoadedConfig, settings: Settings, selector: string, options: PromoteCommandOptions, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  if (options.expectSums !== undefined && !/^[0-9a-f]{64}$/.test(options.expectSums)) throw new UsageError('--expect-sums takes the SHA-256 of the build record\'s SHA256SUMS: 64 lower-case hex digits (sha256sum builds/<line>/<ts>/SHA256SUMS)');
  const entry = findStoreLine(config, selector);
  const signer = readSigner(config.signing.key, config.signing.identity);
  const user = { source: 'cli' as const, user: options.requestedBy ?? userInfo().username };
  if (options.dryRun) {
    const preview = await planPromotion('promote', { config, line: entry.key, requestedBy: user, signer, settings }, options.expectSums);
    stdout.write(formatPromotionPreview(preview));
    return preview.checked.ok ? 0 : 1;
  }
  const resumed = await resumeBeforeCommand(config, 'promote', entry.key, signer, settings, stdout, stderr, options.stepHook);
  if (resumed !== undefined) return resumed;
  const outcome = await promoteLine({
    config,
    line: entry.key,
    requestedBy: user,
    approvedBy: [user],
    expectedSums: options.expectSums,
    signer,
    settings,
    onProgress: printPromotionSteps(stdout),
    stepHook: options.stepHook,
  });
  stdout.write(formatPromotionOutcome(outcome, config.records));
  return 0;
}
