import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_FOLDERS, recordPathOf, RUN_FILE, TIMESTAMP_PATTERN } from './layout.js';
import { revocationRunSchema, type RevocationRun } from './run-schema.js';

/** A revocation record of a line, as sealed. */
export interface RevocationRecord {
  /** `revocations/<line>/<ts>`. */
  record: string;
  run: RevocationRun;
}

/**
 * Every revocation record of `line`, oldest first (by seq: chain order).
 * A run.json that does not parse stops the caller: a revocation that cannot
 * be read must not silently allow a promotion.
 *
 * @example
 * listRevocations('records', 'ubuntu-24.04').map((r) => r.run.action) // ['revoke', 'unrevoke']
 */
export function listRevocations(root: string, line: string): RevocationRecord[] {
  const parent = join(root, KIND_FOLDERS.revocation, line);
  if (!existsSync(parent)) return [];
  const found: RevocationRecord[] = [];
  for (const ts of readdirSync(parent).filter((name) => TIMESTAMP_PATTERN.test(name))) {
    const record = recordPathOf('revocation', line, ts);
    let parsed;
    try {
      parsed = revocationRunSchema.safeParse(JSON.parse(readFileSync(join(root, record, RUN_FILE), 'utf8')));
    } catch (error) {
      throw new Error(`${join(root, record, RUN_FILE)} cannot be read (${(error as Error).message}); run "goldsmith audit ${root}"`);
    }
    if (!parsed.success) throw new Error(`${join(root, record, RUN_FILE)} is not a revocation record; run "goldsmith audit ${root}"`);
    found.push({ record, run: parsed.data });
  }
  return found.sort((a, b) => a.run.seq - b.run.seq);
}

/**
 * The newest revocation record of `line` naming the build whose SHA256SUMS
 * has SHA-256 `sumsSha256`: the build is revoked when its action is
 * `revoke`. Undefined when no revocation names it.
 *
 * @example
 * findRevocation('records', 'ubuntu-24.04', latest.sumsSha256)?.run.action // 'revoke'
 */
export function findRevocation(root: string, line: string, sumsSha256: string): RevocationRecord | undefined {
  return listRevocations(root, line)
    .filter((revocation) => revocation.run.build.sums_sha256 === sumsSha256)
    .at(-1);
}

/**
 * The revocation in force for a build, or undefined when it may be promoted.
 *
 * @example
 * const revoked = activeRevocation('records', 'ubuntu-24.04', digest);
 * if (revoked) throw new Error(`revoked by ${revoked.record}: ${revoked.run.reason}`);
 */
export function activeRevocation(root: string, line: string, sumsSha256: string): RevocationRecord | undefined {
  const newest = findRevocation(root, line, sumsSha256);
  return newest?.run.action === 'revoke' ? newest : undefined;
}

/**
 * Why a build may not be promoted, in the words every door shows: the
 * revocation record, who revoked it and why, and the way out.
 *
 * @example
 * describeRevocation('builds/ubuntu-24.04/20261124T090300Z', revoked)
 * // 'builds/ubuntu-24.04/20261124T090300Z is revoked by revocations/… (cli user alice: CVE-2026-1234): a revoked build is never promoted. …'
 */
export function describeRevocation(buildRecord: string, revoked: RevocationRecord): string {
  const { run } = revoked;
  return (
    `${buildRecord} is revoked by ${revoked.record} (${run.requested_by.source} user ${run.requested_by.user}: ${run.reason}): ` +
    `a revoked build is never promoted. Build the line again, or lift the revocation with goldsmith unrevoke ${run.line} ${buildRecord.split('/').at(-1)} --reason "…"`
  );
}
