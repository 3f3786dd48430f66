import type { RecordKind } from '../evidence/layout.js';

/**
 * The shapes the auditor produces. A library caller (the GitHub bot) reads
 * these; the text, JSON and JUnit formatters only render them.
 */

/** `error` findings fail the audit; `notice`s explain something benign that an assessor should know. */
export type Severity = 'error' | 'notice';

/** One thing wrong (or worth knowing) about one place in the records folder. */
export interface Finding {
  /** The record (`builds/ubuntu-24.04/20261124T090300Z`), the folder holding a pointer (`builds/ubuntu-24.04`), or `.` for the records root. */
  record: string;
  /** The file inside `record` the finding is about (`packer.log`, `latest`, `HEAD`), or '' for the record as a whole. */
  file: string;
  message: string;
  severity: Severity;
}

/** One record folder found, with its verdict. */
export interface AuditedRecord {
  record: string;
  kind: RecordKind;
  line: string | null;
  /** The seq its run.json declares (or, when run.json is unreadable, the one its neighbours imply); null when unknown. */
  seq: number | null;
  /** False for a record folder that the chain does not link to (a copy, a stray). */
  onChain: boolean;
  /** True when no finding names this record. */
  ok: boolean;
}

export interface AuditSummary {
  records: number;
  init: number;
  builds: number;
  promotions: number;
  /** Revocation records (revoke and unrevoke). */
  revocations: number;
  /** Media records (install media staged, docs/media.md). */
  media: number;
  findings: number;
  /** Record folders with at least one finding. */
  recordsWithFindings: number;
  /** Findings about HEAD, `latest`, `.pending` or the folder layout rather than a record. */
  otherFindings: number;
  /** True when signatures were checked against an allowed_signers list, not only against their embedded keys. */
  signersChecked: boolean;
}

/** The chain of records as the audit found it (the assessor's report shows it; the JSON report leaves it out). */
export interface AuditChainState {
  /** Records the chain links from genesis. */
  length: number;
  /** What HEAD names, when it could be read. */
  head: { record: string; sumsSha256: string } | null;
  /** False when any link, seq, or HEAD finding was made: a record removed, reordered or rewritten. */
  intact: boolean;
}

export interface AuditReport {
  /** The records folder audited, as given. */
  root: string;
  records: AuditedRecord[];
  chain: AuditChainState;
  findings: Finding[];
  notices: Finding[];
  summary: AuditSummary;
  ok: boolean;
}

/** The records root, as findings name it. */
export const ROOT_RECORD = '.';
