import type { Settings } from '../config/settings.js';
import { userInfo } from 'node:os';
import type { LoadedConfig } from '../config/load-config.js';
import { readSigner } from '../evidence/read-signer.js';
import { promoteLine } from '../pipeline/promotion/promote-line.js';
import { resumePromotions } from '../pipeline/promotion/resume-promotions.js';
import { findVsphereLine } from '../pipeline/promotion/find-vsphere-line.js';
import { formatPromotionOutcome, printPromotionSteps } from './format-promotion.js';
import { UsageError } from './usage-error.js';

export interface PromoteCommandOptions {
  /** SHA-256 of the approved build record's SHA256SUMS; refuse if the latest build no longer hashes to it. */
  expectSums?: string;
  requestedBy?: string;
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
): Promise<number | undefined> {
  let answer: number | undefined;
  for (const resumed of await resumePromotions({ config, signer, settings, onProgress: printPromotionSteps(stdout) })) {
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
 * `goldsmith promote <line> [--expect-sums SHA256]`: first finishes any
 * promotion an earlier process left open, then promotes the line's latest
 * build, printing each step, and seals the promotion record.
 */
export async function promoteCommand(config: LoadedConfig, settings: Settings, selector: string, options: PromoteCommandOptions, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  if (options.expectSums !== undefined && !/^[0-9a-f]{64}$/.test(options.expectSums)) throw new UsageError('--expect-sums takes the SHA-256 of the build record\'s SHA256SUMS: 64 lower-case hex digits (sha256sum builds/<line>/<ts>/SHA256SUMS)');
  const entry = findVsphereLine(config, selector);
  const signer = readSigner(config.signing.key, config.signing.identity);
  const resumed = await resumeBeforeCommand(config, 'promote', entry.key, signer, settings, stdout, stderr);
  if (resumed !== undefined) return resumed;
  const user = { source: 'cli' as const, user: options.requestedBy ?? userInfo().username };
  const outcome = await promoteLine({
    config,
    line: entry.key,
    requestedBy: user,
    approvedBy: [user],
    expectedSums: options.expectSums,
    signer,
    settings,
    onProgress: printPromotionSteps(stdout),
  });
  stdout.write(formatPromotionOutcome(outcome, config.records));
  return 0;
}
