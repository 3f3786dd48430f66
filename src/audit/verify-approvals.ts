import { posix } from 'node:path';
import { RUN_FILE } from '../evidence/layout.js';
import type { Finding } from './audit-types.js';
import { quoteName } from './quote-name.js';
import type { RecordFacts } from './record-facts.js';

/**
 * Checks each promotion on the chain against the build it approved: an
 * approval binds the build record's SHA256SUMS digest, so that build must
 * still exist, be of the same line, come earlier in the chain, and hash as
 * it did when approved.
 *
 * @example
 * verifyApprovals(chain, seqOf, byPath) // [] when every promotion's build is intact
 */
export function verifyApprovals(
  chain: readonly RecordFacts[],
  seqOf: ReadonlyMap<string, number>,
  byPath: ReadonlyMap<string, RecordFacts>,
): Finding[] {
  const findings: Finding[] = [];
  const byDigest = new Map([...byPath.values()].map((record) => [record.sumsSha256, record]));
  for (const promotion of chain) {
    const approved = promotion.promotes;
    if (!approved) continue;
    const fail = (message: string): void => void findings.push({ record: promotion.record, file: RUN_FILE, message, severity: 'error' });
    const name = quoteName(approved.record);
    const build = byPath.get(posix.normalize(approved.record));
    if (!build) fail(`promotes ${name}, which is not a record (deleted or moved?)`);
    else if (build.kind !== 'build') fail(`promotes ${name}, which is not a build record`);
    else if (build.line !== promotion.line) fail(`promotes ${name}, a build of another line`);
    else if (build.sumsSha256 !== undefined && build.sumsSha256 !== approved.sums_sha256) {
      const moved = byDigest.get(approved.sums_sha256);
      if (moved) fail(`was approved for ${name}, whose SHA256SUMS now lies at ${moved.record}: records moved or swapped`);
      else fail(`was approved for ${name} with SHA256SUMS SHA-256 ${approved.sums_sha256.slice(0, 16)}…, but it is now ${build.sumsSha256.slice(0, 16)}…: the build record changed after approval`);
    } else if ((seqOf.get(build.record) ?? -1) > (seqOf.get(promotion.record) ?? Infinity)) fail(`promotes ${name}, which was sealed after this promotion`);
  }
  return findings;
}
