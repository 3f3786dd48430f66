import type { LoadedConfig } from '../../config/load-config.js';
import type { Settings } from '../../config/settings.js';
import { findRevocation, type RevocationRecord } from '../../evidence/find-revocation.js';
import { readLiveBuild } from '../../evidence/read-live-build.js';
import { resolveBuildRecord } from '../../evidence/resolve-build-record.js';
import { revocationReasonSchema, type Requester, type RevocationDetails, type RevocationRun } from '../../evidence/run-schema.js';
import type { RecordSigner, WrittenRecord } from '../../evidence/write-record.js';
import { writeRevocationRecord } from '../../evidence/write-revocation-record.js';

/** Why a revocation was not written: `usage` (exit 2: unknown record, no reason) or `refused` (exit 1: nothing to do). */
export class RevocationError extends Error {
  readonly exitCode: number;
  constructor(
    readonly code: 'usage' | 'refused',
    message: string,
  ) {
    super(message);
    this.exitCode = code === 'usage' ? 2 : 1;
  }
}

export interface RevocationRequest {
  config: LoadedConfig;
  settings: Settings;
  signer: RecordSigner;
  action: RevocationRun['action'];
  /** A matrix key (the caller resolved aliases). */
  line: string;
  /** `latest`, a timestamp, or `builds/<line>/<ts>`. */
  selector: string;
  reason: string;
  requestedBy: Requester;
  pullRequest?: RevocationRun['pull_request'] | undefined;
  /** The SHA-256 of the build record's SHA256SUMS the caller saw (a pull request's binding): refused when the record no longer hashes to it. */
  expectedSums?: string | undefined;
  /** Check and describe only; write nothing. */
  dryRun?: boolean | undefined;
}

export interface RevocationOutcome {
  details: RevocationDetails;
  /** The record sealed; undefined on a dry run. */
  written: WrittenRecord | undefined;
  /** True when the build is the line's live template (its newest promotion record names it). */
  live: boolean;
  /** The newest earlier revocation record naming the build (what an unrevoke lifts). */
  previous: RevocationRecord | undefined;
}

/**
 * Revokes or unrevokes one build record of a line: checks the reason (one
 * paragraph, 1 to 1000 characters) and the record, refuses what would change
 * nothing (revoking a revoked build, unrevoking one that is not revoked),
 * then seals a revocation record in the chain. Shared by the CLI, Slack and
 * a pull request's `/revoke`. Throws RevocationError.
 *
 * @example
 * const { written, live } = await revokeBuild({ config, settings, signer, action: 'revoke', line: 'ubuntu-24.04', selector: 'latest',
 *   reason: 'CVE-2026-1234 in the base image', requestedBy: { source: 'cli', user: 'alice' } });
 */
export async function revokeBuild(request: RevocationRequest): Promise<RevocationOutcome> {
  const { config, line, action } = request;
  const reason = revocationReasonSchema.safeParse(request.reason);
  if (!reason.success) throw new RevocationError('usage', `--reason: ${reason.error.issues[0]?.message ?? 'not a reason'}`);
  const resolved = resolveBuildRecord(config.records, line, request.selector);
  if (!resolved.ok) throw new RevocationError('usage', resolved.message);
  const { build } = resolved;
  if (request.expectedSums && request.expectedSums !== build.sumsSha256) {
    throw new RevocationError('refused', `${build.record} no longer hashes to ${request.expectedSums} (its SHA256SUMS has SHA-256 ${build.sumsSha256}): the record changed; run "goldsmith audit ${config.records}"`);
  }
  const previous = findRevocation(config.records, line, build.sumsSha256);
  const revoked = previous?.run.action === 'revoke';
  if (action === 'revoke' && revoked) {
    throw new RevocationError('refused', `${build.record} is already revoked by ${previous.record} (${previous.run.reason}); nothing was written`);
  }
  if (action === 'unrevoke' && !revoked) {
    throw new RevocationError('refused', `${build.record} is not revoked${previous ? ` (${previous.record} lifted its revocation)` : ''}; nothing was written`);
  }
  const details: RevocationDetails = {
    action,
    line,
    requested_by: request.requestedBy,
    reason: reason.data,
    build: { record: build.record, sums_sha256: build.sumsSha256 },
    pull_request: request.pullRequest ?? null,
  };
  const live = readLiveBuild(config.records, line)?.build.sums_sha256 === build.sumsSha256;
  if (request.dryRun) return { details, written: undefined, live, previous };
  const written = await writeRevocationRecord({
    root: config.records,
    signer: request.signer,
    details,
    secrets: request.settings.credentials(config.secret_env, config.baseDir),
  });
  return { details, written, live, previous };
}
