import type { AuditReport, Finding } from './audit-types.js';
import { describeFinding, summaryLine } from './format-text-report.js';

// XML 1.0 forbids most control characters even when escaped.
const escapeXml = (text: string): string =>
  text
    .replace(/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

function testcase(classname: string, name: string, findings: readonly Finding[]): string {
  const open = `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(name)}"`;
  if (findings.length === 0) return `${open}/>`;
  const body = findings.map((finding) => describeFinding(finding)).join('\n');
  return `${open}>\n      <failure type="finding" message="${escapeXml(describeFinding(findings[0]!))}">${escapeXml(body)}</failure>\n    </testcase>`;
}

/**
 * The report as JUnit XML: one testcase per record (failing with its
 * findings), one for HEAD, `latest` and the folder layout, notices in
 * system-out.
 *
 * @example
 * writeFileSync('audit.xml', formatJunitReport(report));
 */
export function formatJunitReport(report: AuditReport): string {
  const records = new Set(report.records.map((record) => record.record));
  const cases = report.records.map((record) =>
    testcase(`goldsmith.audit.${record.kind}`, record.record, report.findings.filter((finding) => finding.record === record.record)),
  );
  cases.push(testcase('goldsmith.audit.pointers', 'HEAD, latest and folder layout', report.findings.filter((finding) => !records.has(finding.record))));
  const failures = cases.filter((entry) => entry.includes('<failure')).length;
  const notes = [...report.notices.map((notice) => `NOTE ${describeFinding(notice)}`), summaryLine(report)].join('\n');
  const counts = `tests="${cases.length}" failures="${failures}" errors="0"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="goldsmith audit" ${counts}>`,
    `  <testsuite name="${escapeXml(`goldsmith audit ${report.root}`)}" ${counts} skipped="0">`,
    ...cases,
    `    <system-out>${escapeXml(notes)}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
