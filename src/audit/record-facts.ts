import type { RecordKind } from '../evidence/layout.js';
import type { PrevLink } from '../evidence/sums.js';
import type { Finding } from './audit-types.js';

/**
 * What one record says about itself once its files are checked: all the
 * chain, pointer and approval checks need, and nothing that grows with its
 * files' size.
 */
export interface RecordFacts {
  record: string;
  kind: RecordKind;
  line: string | null;
  /** The seq run.json declares (also taken from a run.json that fails the schema, when the seq itself is sound). */
  seq: number | undefined;
  prev: PrevLink | undefined;
  /** SHA-256 of the SHA256SUMS file as it is now: what the next PREV and HEAD must name. */
  sumsSha256: string | undefined;
  /** Where run.json says the record lives. */
  declaredRecord: string | undefined;
  /** For a promotion: the build it approved, by path and SHA256SUMS digest. */
  promotes: { record: string; sums_sha256: string } | undefined;
  /** For a revocation: the build it revokes or unrevokes, by path and SHA256SUMS digest. */
  revokes: { action: 'revoke' | 'unrevoke'; record: string; sums_sha256: string; reason: string } | undefined;
  findings: Finding[];
}
