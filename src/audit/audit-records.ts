import { availableParallelism } from 'node:os';
import { HEAD_FILE } from '../evidence/layout.js';
import type { AuditedRecord, AuditReport, Finding } from './audit-types.js';
import { ROOT_RECORD } from './audit-types.js';
import { startHashPool } from './hash-pool.js';
import { mapLimited } from './map-limited.js';
import type { AllowedSigner } from './parse-allowed-signers.js';
import { readRootPointers } from './read-root-pointers.js';
import type { RecordFacts } from './record-facts.js';
import { scanRecords, type ScannedRoot } from './scan-records.js';
import { verifyApprovals } from './verify-approvals.js';
import { verifyChain } from './verify-chain.js';
import { verifyPointers } from './verify-pointers.js';
import { verifyRecord } from './verify-record.js';
import { verifyRevocations } from './verify-revocations.js';

export interface AuditOptions {
  /** Parsed allowed_signers (parseAllowedSigners): signatures must then be by a listed key for the record's signer identity. */
  allowedSigners?: readonly AllowedSigner[];
  /** Hashing threads; default os.availableParallelism(). */
  threads?: number;
}

function byRecord(a: Finding, b: Finding): number {
  if (a.record === b.record) return 0;
  if (a.record === ROOT_RECORD) return -1;
  if (b.record === ROOT_RECORD) return 1;
  return a.record < b.record ? -1 : 1;
}

/**
 * Audits a records folder without writing to it or following any link out
 * of it: every record's files, hashes and signature, the chain of PREV links
 * and seqs, HEAD and each line's `latest`, and each promotion's approved
 * build, and each revocation's build (warning where a revoked build is
 * live). Throws AuditInputError when `root` cannot be read at all.
 *
 * @example
 * const report = await auditRecords('records', { allowedSigners: parseAllowedSigners(text, 'allowed_signers') });
 * if (!report.ok) for (const f of report.findings) console.log(f.record, f.file, f.message);
 */
export async function auditRecords(root: string, options: AuditOptions = {}): Promise<AuditReport> {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  // Started first: the threads boot while the folder is scanned.
  const pool = startHashPool({ threads });
  let scanned: ScannedRoot;
  let facts: RecordFacts[];
  try {
    scanned = scanRecords(root);
    // A few records per hashing slot keep every thread fed while the small files of the next records are read.
    facts = await mapLimited(scanned.records, threads * 4, (record) => verifyRecord(record, { pool, allowed: options.allowedSigners }));
  } finally {
    await pool.close();
  }
  const pointers = readRootPointers(root, scanned);
  const byPath = new Map(facts.map((record) => [record.record, record]));
  const { chain, seqOf, findings: chainFindings } = verifyChain(facts, pointers.head);
  const checked = verifyPointers({ chain, seqOf, byPath, pointers, lines: scanned.lines });
  const revocations = verifyRevocations(chain, seqOf, byPath);

  const findings = [
    ...scanned.findings,
    ...pointers.findings,
    ...facts.flatMap((record) => record.findings),
    ...chainFindings,
    ...checked.findings,
    ...verifyApprovals(chain, seqOf, byPath),
    ...revocations.findings,
  ].sort(byRecord);
  const notices = [...scanned.notices, ...checked.notices, ...revocations.notices];
  if (!options.allowedSigners && facts.length > 0) {
    notices.push({
      record: ROOT_RECORD,
      file: '',
      message: 'signatures were verified against the key embedded in each, but signers were not checked against an allowed list (pass --allowed-signers FILE)',
      severity: 'notice',
    });
  }
  notices.sort(byRecord);

  const failed = new Set(findings.map((finding) => finding.record));
  const onChain = new Set(chain);
  const records: AuditedRecord[] = facts.map((record) => ({
    record: record.record,
    kind: record.kind,
    line: record.line,
    seq: seqOf.get(record.record) ?? null,
    onChain: onChain.has(record),
    ok: !failed.has(record.record),
  }));
  const recordsWithFindings = records.filter((record) => !record.ok).length;
  const headFindings = checked.findings.filter((finding) => finding.record === ROOT_RECORD && finding.file === HEAD_FILE);
  return {
    root,
    records,
    chain: {
      length: chain.length,
      head: pointers.head ? { record: pointers.head.record, sumsSha256: pointers.head.sumsSha256 } : null,
      intact: chainFindings.length === 0 && pointers.findings.length === 0 && headFindings.length === 0 && (chain.length > 0 || facts.length === 0),
    },
    findings,
    notices,
    summary: {
      records: records.length,
      init: records.filter((record) => record.kind === 'init').length,
      builds: records.filter((record) => record.kind === 'build').length,
      promotions: records.filter((record) => record.kind === 'promotion').length,
      revocations: records.filter((record) => record.kind === 'revocation').length,
      media: records.filter((record) => record.kind === 'media').length,
      findings: findings.length,
      recordsWithFindings,
      otherFindings: findings.filter((finding) => !byPath.has(finding.record)).length,
      signersChecked: options.allowedSigners !== undefined,
    },
    ok: findings.length === 0,
  };
}
