import { posix } from 'node:path';
import { RUN_FILE } from '../evidence/layout.js';
import type { Finding } from './audit-types.js';
import { quoteName } from './quote-name.js';
import type { RecordFacts } from './record-facts.js';

export interface RevocationCheck {
  /** A revocation naming a build that is not there, of another line, later, or changed since: errors. */
  findings: Finding[];
  /** Lines whose live template is a revoked build, and promotions of a build revoked at the time: warnings an assessor should see. */
  notices: Finding[];
}

/**
 * Checks each revocation record on the chain against the build it names
 * (like an approval: it must exist, be a build of the same line, come
 * earlier in the chain and still hash to the digest named), then replays
 * the chain to warn where a revoked build is live: the build named by a
 * line's newest promotion record (promote or rollback) while the newest
 * revocation naming its digest says `revoke`.
 *
 * @example
 * const { findings, notices } = verifyRevocations(chain, seqOf, byPath);
 * notices[0]?.message // 'the live template of ubuntu-24.04 is builds/…, revoked by revocations/…: CVE-2026-1234'
 */
export function verifyRevocations(chain: readonly RecordFacts[], seqOf: ReadonlyMap<string, number>, byPath: ReadonlyMap<string, RecordFacts>): RevocationCheck {
  const findings: Finding[] = [];
  const notices: Finding[] = [];
  /** Newest revocation record per build digest, as the chain stood at each point of the replay. */
  const revokedBy = new Map<string, RecordFacts>();
  /** Newest promotion record per line that names its build. */
  const live = new Map<string, RecordFacts>();
  for (const record of chain) {
    const revokes = record.revokes;
    if (revokes) {
      const fail = (message: string): void => void findings.push({ record: record.record, file: RUN_FILE, message, severity: 'error' });
      const name = quoteName(revokes.record);
      const build = byPath.get(posix.normalize(revokes.record));
      if (!build) fail(`${revokes.action}s ${name}, which is not a record (deleted or moved?)`);
      else if (build.kind !== 'build') fail(`${revokes.action}s ${name}, which is not a build record`);
      else if (build.line !== record.line) fail(`${revokes.action}s ${name}, a build of another line`);
      else if (build.sumsSha256 !== undefined && build.sumsSha256 !== revokes.sums_sha256) fail(`names ${name} with SHA256SUMS SHA-256 ${revokes.sums_sha256.slice(0, 16)}…, but it is now ${build.sumsSha256.slice(0, 16)}…: the build record changed`);
      else if ((seqOf.get(build.record) ?? -1) > (seqOf.get(record.record) ?? Infinity)) fail(`${revokes.action}s ${name}, which was sealed after this record`);
      const before = revokedBy.get(revokes.sums_sha256)?.revokes?.action === 'revoke';
      if (revokes.action === 'unrevoke' && !before) {
        notices.push({ record: record.record, file: RUN_FILE, message: `unrevokes ${name}, which was not revoked at the time`, severity: 'notice' });
      }
      revokedBy.set(revokes.sums_sha256, record);
    }
    if (record.promotes && record.line) {
      live.set(record.line, record);
      const revocation = revokedBy.get(record.promotes.sums_sha256);
      if (revocation?.revokes?.action === 'revoke') {
        notices.push({ record: record.record, file: RUN_FILE, message: `installed ${quoteName(record.promotes.record)}, which ${revocation.record} had revoked (${revocation.revokes.reason})`, severity: 'notice' });
      }
    }
  }
  for (const [line, promotion] of live) {
    const revocation = revokedBy.get(promotion.promotes!.sums_sha256);
    if (revocation?.revokes?.action !== 'revoke') continue;
    notices.push({
      record: revocation.record,
      file: '',
      message: `the live template of ${line} is ${quoteName(promotion.promotes!.record)} (installed by ${promotion.record}), which this record revokes: ${revocation.revokes.reason}. Build and promote a new one, or roll back`,
      severity: 'notice',
    });
  }
  return { findings, notices };
}
