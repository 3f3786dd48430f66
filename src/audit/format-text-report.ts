import { ROOT_RECORD, type AuditReport, type Finding } from './audit-types.js';

const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

/** `builds/ubuntu-24.04/20261124T090300Z: packer.log: message`; the root and whole-record findings drop their empty parts. */
export function describeFinding(finding: Finding): string {
  return [finding.record === ROOT_RECORD ? '' : finding.record, finding.file, finding.message].filter(Boolean).join(': ');
}

/** The closing line: what was audited, and either "clean" or how many findings where. */
export function summaryLine(report: AuditReport): string {
  const { summary } = report;
  const audited = `audited ${plural(summary.records, 'record')} (${summary.init} init, ${plural(summary.builds, 'build')}, ${plural(summary.promotions, 'promotion')}${summary.revocations > 0 ? `, ${plural(summary.revocations, 'revocation')}` : ''}${summary.media > 0 ? `, ${plural(summary.media, 'media record')}` : ''})`;
  if (report.ok) return `${audited}: clean`;
  const inRecords = summary.recordsWithFindings > 0 ? `in ${plural(summary.recordsWithFindings, 'record')}` : '';
  const elsewhere = summary.otherFindings > 0 ? `${inRecords ? `and ${summary.otherFindings} ` : ''}about pointers or the folder layout` : '';
  return `${audited}: ${[plural(summary.findings, 'finding'), inRecords, elsewhere].filter(Boolean).join(' ')}`;
}

/**
 * The report as the terminal shows it: one `FAIL` line per finding, one
 * `NOTE` line per notice, then the summary.
 *
 * @example
 * formatTextReport(report)
 * // FAIL builds/ubuntu-24.04/20261124T090300Z: packer.log: SHA-256 does not match SHA256SUMS (edited or truncated)
 * // audited 12 records (1 init, 8 builds, 3 promotions): 1 finding in 1 record
 */
export function formatTextReport(report: AuditReport): string {
  return [
    ...report.findings.map((finding) => `FAIL ${describeFinding(finding)}`),
    ...report.notices.map((notice) => `NOTE ${describeFinding(notice)}`),
    summaryLine(report),
    '',
  ].join('\n');
}
