import type { LoadedConfig } from '../../config/load-config.js';
import type { Matrix } from '../../config/matrix-schema.js';
import type { Settings } from '../../config/settings.js';
import type { RecordSigner } from '../../evidence/write-record.js';
import { readLineHealth, type LineHealth } from '../../evidence/read-line-health.js';
import { revokeBuild, type RevocationOutcome, type RevocationRequest } from './revoke-build.js';

/**
 * Revocations and the live templates' health, as the bots use them (they
 * never hold the signer or the settings themselves).
 */
export interface RevocationOperations {
  /** Seals a revocation or unrevocation; rejects with RevocationError (the message says what to fix). */
  revoke(request: Omit<RevocationRequest, 'config' | 'settings' | 'signer'>): Promise<RevocationOutcome>;
  /** Every line's live template: revoked, age, expired (records only). */
  health(now?: Date): LineHealth[];
}

/**
 * The records-backed RevocationOperations `goldsmith serve` hands the bots.
 *
 * @example
 * const revocations = recordRevocationOperations({ config, settings, signer, matrix });
 * revocations.health().filter((line) => line.revoked || line.expired);
 */
export function recordRevocationOperations(options: { config: LoadedConfig; settings: Settings; signer: RecordSigner; matrix: Matrix }): RevocationOperations {
  const { config, settings, signer, matrix } = options;
  return {
    revoke: (request) => revokeBuild({ ...request, config, settings, signer }),
    health: (now = new Date()) => matrix.map((entry) => readLineHealth(config.records, entry, now)),
  };
}
