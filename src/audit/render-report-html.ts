import { escapeHtml as e } from './escape-html.js';
import { REPORT_CSS } from './report-css.js';
import type { ReportModel } from './report-model.js';
import { renderReportChanges } from './render-report-changes.js';

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

function periodText(period: ReportModel['period']): string {
  if (period.from && period.to) return `${period.from} to ${period.to} (UTC, inclusive)`;
  if (period.from) return `from ${period.from} (UTC) on`;
  if (period.to) return `up to ${period.to} (UTC, inclusive)`;
  return 'all records';
}

function tile(label: string, value: string, id: string, bad = false): string {
  return `<div class="tile" id="${id}"><b class="${bad ? 'fail' : ''}">${value}</b>${label}</div>`;
}

function summary(model: ReportModel): string {
  const { population, four_eyes: fourEyes, audit, chain } = model;
  return `<div class="summary">
${tile('changes in the period', String(population.total), 'tile-population')}
${tile('four-eyes failures', String(fourEyes.failed), 'tile-four-eyes', fourEyes.failed > 0)}
${tile('changes with a revoked build', String(model.revoked), 'tile-revoked', model.revoked > 0)}
${tile('audit findings (whole folder)', String(audit.summary.findings), 'tile-findings', !audit.ok)}
${tile('chain', chain.intact ? 'intact' : 'BROKEN', 'tile-chain', !chain.intact)}
</div>`;
}

function findingList(findings: ReportModel['audit']['findings'], cls: string): string {
  return `<ul>${findings.map((finding) => `<li class="${cls}"><code>${e(finding.record)}</code>${finding.file ? ` <code>${e(finding.file)}</code>` : ''}: ${e(finding.message)}</li>`).join('')}</ul>`;
}

function auditSection(model: ReportModel): string {
  const { audit } = model;
  const s = audit.summary;
  const verdict = audit.ok
    ? '<p class="pass">Verdict: CLEAN. Every record verified.</p>'
    : `<p class="fail">Verdict: ${plural(s.findings, 'FINDING')} in ${plural(s.recordsWithFindings, 'record')} (and ${s.otherFindings} about HEAD, latest or the folder).</p>`;
  return `<section id="audit"><h2>3. Audit of the records folder</h2>
<p>The verdict of <code>goldsmith audit</code> over the whole folder (the chain spans every period, so it is always audited whole). These numbers are the <code>summary</code> of <code>goldsmith audit --json</code>.</p>
<table><thead><tr><th>records</th><th>init</th><th>builds</th><th>promotions (and rollbacks)</th><th>findings</th><th>records with findings</th><th>signers checked against allowed_signers</th></tr></thead>
<tbody><tr id="audit-summary"><td>${s.records}</td><td>${s.init}</td><td>${s.builds}</td><td>${s.promotions}</td><td>${s.findings}</td><td>${s.recordsWithFindings}</td><td>${s.signersChecked ? 'yes' : '<span class="fail">no</span>'}</td></tr></tbody></table>
${verdict}${audit.findings.length > 0 ? findingList(audit.findings, 'fail') : ''}
${audit.notices.length > 0 ? `<h3>Notices (not findings)</h3>${findingList(audit.notices, 'na')}` : ''}</section>`;
}

function revocationSection(model: ReportModel): string {
  const rows = model.revocations
    .map((entry) => `<tr><td class="mono">${e(entry.at)}</td><td class="${entry.action === 'revoke' ? 'revoked' : ''}">${e(entry.action)}</td><td>${e(entry.line)}</td><td><code>${e(entry.build.record)}</code><br><span class="mono digest">${e(entry.build.sums_sha256)}</span></td><td>${e(entry.requester.user)} <span class="na">(${e(entry.requester.source)})</span></td><td>${e(entry.reason)}</td><td><code>${e(entry.record)}</code></td></tr>`)
    .join('\n');
  const revoked = model.changes.filter((change) => change.revoked);
  const flagged = revoked.length === 0 ? '<p>No change of the period builds or puts live a revoked build.</p>' : `<p class="revoked">${plural(revoked.length, 'change')} of the period ${revoked.length === 1 ? 'is' : 'are'} flagged REVOKED in the table above.</p>`;
  return `<section id="revocations"><h2>2. Revoked builds and template age</h2>
<p>A build is revoked when the newest revocation record naming its evidence digest says "revoke": it must never be promoted again.</p>${flagged}
${rows ? `<table><thead><tr><th>When (UTC)</th><th>Action</th><th>Line</th><th>Build</th><th>By</th><th>Reason</th><th>Record</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="na">No revocation records in the period.</p>'}
${templateAge(model.templates)}</section>`;
}

function templateAge(templates: ReportModel['templates']): string {
  if (templates.matrix === null) return '<h3>Template age</h3><p class="na">Not shown: pass <code>--matrix packer/matrix.json</code> to age each line\'s live template against its <code>max_age_days</code>.</p>';
  const rows = templates.lines
    .map((line) => {
      const state = line.revoked ? '<span class="revoked">REVOKED</span>' : line.expired ? '<span class="fail">EXPIRED</span>' : line.live_build === null ? '<span class="na">never promoted</span>' : '<span class="pass">ok</span>';
      return `<tr><td>${e(line.line)}</td><td>${line.live_build ? `<code>${e(line.live_build)}</code>` : '<span class="na">none</span>'}</td><td>${line.age_days ?? '<span class="na">unknown</span>'}</td><td>${line.max_age_days ?? '<span class="na">none</span>'}</td><td>${state}</td></tr>`;
    })
    .join('\n');
  const expired = templates.lines.filter((line) => line.expired).length;
  return `<h3>Template age</h3>
<p id="templates-expired" class="${expired > 0 ? 'fail' : ''}">${plural(expired, 'line')} of <code>${e(templates.matrix)}</code> ${expired === 1 ? 'has a live template' : 'have live templates'} older than ${expired === 1 ? 'its' : 'their'} <code>max_age_days</code>, as of ${e(templates.as_of)}. The live template is the build named by the line's newest promotion record; its age counts from that build's end.</p>
<table><thead><tr><th>Line</th><th>Live template's build</th><th>Age (days)</th><th>max_age_days</th><th>State</th></tr></thead><tbody>${rows || '<tr><td colspan="5">no lines</td></tr>'}</tbody></table>`;
}

function chainSection(model: ReportModel): string {
  const { chain, signers } = model;
  const keys = signers.keys.map((key) => `<tr><td>${e(key.identity)}</td><td class="mono">${e(key.fingerprint)}</td><td>${key.records}</td></tr>`).join('');
  return `<section id="chain"><h2>4. Chain and signers</h2>
<table><tbody>
<tr><th>Records in the folder</th><td id="chain-records">${chain.records}</td></tr>
<tr><th>Records linked by the chain</th><td>${chain.length}</td></tr>
<tr><th>HEAD (newest record)</th><td>${chain.head ? `<code>${e(chain.head.record)}</code><br><span class="mono digest">${e(chain.head.sums_sha256)}</span>` : '<span class="fail">none</span>'}</td></tr>
<tr><th>State</th><td id="chain-state">${chain.intact ? '<span class="pass">INTACT</span>: every record links to the one before it, in seq order, and HEAD names the newest' : '<span class="fail">BROKEN</span>: see the findings of section 3'}</td></tr>
</tbody></table>
<h3>Signing keys</h3>
<p>${signers.checked ? `Signatures were checked against the allowed signers file <code>${e(signers.allowed_signers ?? '')}</code>.` : '<span class="fail">Signatures were verified against the key embedded in each, but not against an allowed signers list</span>: pass <code>--allowed-signers FILE</code> and compare these fingerprints with the platform team\'s key.'}</p>
<table><thead><tr><th>Signer identity</th><th>Key fingerprint</th><th>Records signed</th></tr></thead><tbody>${keys || '<tr><td colspan="3">no readable record</td></tr>'}</tbody></table></section>`;
}

function controlsSection(model: ReportModel): string {
  const rows = model.controls
    .map((control) => `<tr><td><b>${e(control.id)}</b><br>${e(control.framework)}<br>${e(control.title)}</td><td>${e(control.asks)}</td><td><ul class="tight">${control.evidence.map((item) => `<li>${e(item)}</li>`).join('')}</ul></td></tr>`)
    .join('\n');
  return `<section id="controls" class="new-page"><h2>5. Controls and the evidence that answers them</h2>
<table><thead><tr><th style="width:18%">Control</th><th style="width:37%">What it asks</th><th>Evidence in this report</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function verifySection(model: ReportModel): string {
  const blocks = model.verify.map((step) => `<h3>${e(step.title)}</h3><p>${e(step.explain)}</p><pre>${e(step.commands)}</pre>`).join('\n');
  return `<section id="verify" class="new-page"><h2>6. Re-verify it by hand</h2>
<p>Everything in this report can be checked without trusting goldsmith or this file: <code>sha256sum</code> (GNU coreutils) and <code>ssh-keygen</code> (OpenSSH 8.1 or later) suffice.</p>${blocks}</section>`;
}

/**
 * Renders the report model as one self-contained HTML page: inline CSS, no
 * script, no external resource. Every text taken from the records is escaped.
 *
 * @example
 * writeFileSync('report.html', renderReportHtml(await buildReportModel('records', { period })));
 */
export function renderReportHtml(model: ReportModel): string {
  const title = `Change evidence: ${periodText(model.period)}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${e(title)}</title>
<style>${REPORT_CSS}</style></head>
<body>
<h1>${e(title)}</h1>
<p class="meta">Records folder <code>${e(model.records_dir)}</code>. Generated ${e(model.generated_at)} by goldsmith ${e(model.goldsmith_version)} (<code>goldsmith report</code>, format ${e(model.format)}).</p>
${summary(model)}
${renderReportChanges(model)}
${revocationSection(model)}
${auditSection(model)}
${chainSection(model)}
${controlsSection(model)}
${verifySection(model)}
</body></html>
`;
}
