import type { Settings } from '../config/settings.js';
import { userInfo } from 'node:os';
import type { LoadedConfig } from '../config/load-config.js';
import { readSigner } from '../evidence/read-signer.js';
import { findVsphereLine } from '../pipeline/promotion/find-vsphere-line.js';
import { rollbackLine } from '../pipeline/promotion/rollback-line.js';
import { formatPromotionOutcome, printPromotionSteps } from './format-promotion.js';
import { resumeBeforeCommand } from './promote.js';

/**
 * `goldsmith rollback <line>`: first finishes any promotion an earlier
 * process left open, then makes `<base>-prev` the line's `<base>` again,
 * keeping the replaced template as `<base>-rolledback-<ts>`, and seals the
 * record.
 */
export async function rollbackCommand(config: LoadedConfig, settings: Settings, selector: string, options: { requestedBy?: string }, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const entry = findVsphereLine(config, selector);
  const signer = readSigner(config.signing.key, config.signing.identity);
  const resumed = await resumeBeforeCommand(config, 'rollback', entry.key, signer, settings, stdout, stderr);
  if (resumed !== undefined) return resumed;
  const user = { source: 'cli' as const, user: options.requestedBy ?? userInfo().username };
  const outcome = await rollbackLine({ config, line: entry.key, requestedBy: user, approvedBy: [user], signer, settings, onProgress: printPromotionSteps(stdout) });
  stdout.write(formatPromotionOutcome(outcome, config.records));
  return 0;
}
