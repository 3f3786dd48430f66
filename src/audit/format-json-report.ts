import type { AuditReport } from './audit-types.js';

/**
 * The report as JSON for CI: `{ root, records, findings, notices, summary, ok }`.
 *
 * @example
 * const { ok, findings } = JSON.parse(formatJsonReport(report));
 */
export function formatJsonReport(report: AuditReport): string {
  const { root, records, findings, notices, summary, ok } = report;
  return `${JSON.stringify({ root, records, findings, notices, summary, ok }, null, 2)}\n`;
}
