import { userInfo } from 'node:os';
import type { LoadedConfig } from '../config/load-config.js';
import { loadMatrix } from '../config/load-matrix.js';
import { selectLines } from '../config/select-lines.js';
import type { Settings } from '../config/settings.js';
import { readSigner } from '../evidence/read-signer.js';
import { revokeBuild, type RevocationOutcome } from '../pipeline/revocations/revoke-build.js';
import { UsageError } from './usage-error.js';

export interface RevokeCommandOptions {
  reason: string;
  requestedBy?: string;
  /** Print the record that would be written; write nothing. */
  dryRun?: boolean;
}

/** What the user reads once the record is written (or would be, on a dry run). */
export function formatRevocation(outcome: RevocationOutcome, records: string): string {
  const { details, written, live, previous } = outcome;
  const done = details.action === 'revoke' ? 'revoked' : 'lifted the revocation of';
  const lines = written
    ? [`${done} ${details.build.record} (SHA256SUMS SHA-256 ${details.build.sums_sha256})`, `record: ${written.record} (seq ${written.seq})`]
    : [
        `would ${details.action === 'revoke' ? 'revoke' : 'lift the revocation of'} ${details.build.record} (SHA256SUMS SHA-256 ${details.build.sums_sha256})`,
        `  then: seal a revocation record revocations/${details.line}/<ts> with action ${details.action}, requested by ${details.requested_by.source} user ${details.requested_by.user}`,
        `  reason: ${details.reason}`,
        ...(previous ? [`  it follows ${previous.record} (${previous.run.action})`] : []),
        'nothing was written (--dry-run)',
      ];
  if (live && details.action === 'revoke') lines.push(`warning: ${details.build.record} is the live template of ${details.line}: build and promote a new one, or roll back (goldsmith rollback ${details.line})`);
  if (written) lines.push(details.action === 'revoke' ? `it can no longer be promoted; verify: goldsmith audit ${records}` : `it may be promoted again; verify: goldsmith audit ${records}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `goldsmith revoke|unrevoke <line> <record> --reason TEXT [--dry-run]`:
 * seals a revocation record for one build record of the line (`latest`, its
 * timestamp or its path). A revoked build is refused by every promotion;
 * unrevoking lifts that. Exit 0 written, 1 refused (nothing to change), 2
 * usage (unknown line or record, no reason).
 */
export async function revokeCommand(
  config: LoadedConfig,
  settings: Settings,
  action: 'revoke' | 'unrevoke',
  selector: string,
  record: string,
  options: RevokeCommandOptions,
  stdout: NodeJS.WritableStream,
): Promise<number> {
  if (selector.toLowerCase() === 'all') throw new UsageError(`${action} names one line and one build record, not "all"`);
  const entry = selectLines(loadMatrix(config.packer.matrix), selector)[0]!;
  const signer = readSigner(config.signing.key, config.signing.identity);
  const outcome = await revokeBuild({
    config,
    settings,
    signer,
    action,
    line: entry.key,
    selector: record,
    reason: options.reason,
    requestedBy: { source: 'cli', user: options.requestedBy ?? userInfo().username },
    dryRun: options.dryRun,
  });
  stdout.write(formatRevocation(outcome, config.records));
  return 0;
}
