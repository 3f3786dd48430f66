import { AuditInputError } from './audit-input-error.js';
import { auditRecords, type AuditOptions } from './audit-records.js';
import { describeFinding, summaryLine } from './format-text-report.js';

/** The audit in a few lines, for chat: the verdict, the summary line, the first findings. */
export interface AuditDigest {
  ok: boolean;
  summary: string;
  findings: string[];
}

/**
 * Audits `root` and keeps what a chat message can hold: the summary line of
 * the text report and the first `maxFindings` findings. A records folder that
 * cannot be read is a failed digest that says so, not an exception.
 *
 * @example
 * const digest = await summarizeAudit('records');
 * digest.summary // 'audited 12 records (1 init, 8 builds, 3 promotions): clean'
 */
export async function summarizeAudit(root: string, options: AuditOptions & { maxFindings?: number } = {}): Promise<AuditDigest> {
  try {
    const report = await auditRecords(root, options);
    return { ok: report.ok, summary: summaryLine(report), findings: report.findings.slice(0, options.maxFindings ?? 10).map(describeFinding) };
  } catch (error) {
    if (error instanceof AuditInputError) return { ok: false, summary: `the records folder cannot be audited: ${error.message}`, findings: [] };
    throw error;
  }
}
