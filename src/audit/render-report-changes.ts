import { escapeHtml as e } from './escape-html.js';
import type { ReportChange, ReportModel } from './report-model.js';

/** Fixed column widths (per cent), so the table fits a landscape page whatever the names in it. */
const COLUMN_WIDTHS = [3, 8, 17, 7, 9, 9, 11, 12, 8, 10, 6];

const ACTION_NAMES: Record<ReportChange['action'], string> = { build: 'Build', promote: 'Promotion', rollback: 'Rollback' };

function who(person: { source: string; user: string } | null): string {
  return person ? `${e(person.user)} <span class="na">(${e(person.source)})</span>` : '<span class="fail">unknown (run.json unreadable)</span>';
}

function fourEyesCell(change: ReportChange): string {
  const { result, detail } = change.four_eyes;
  if (result === 'pass') return `<span class="pass">PASS</span><br>${e(detail)}`;
  if (result === 'fail') return `<span class="fail badge">FAILURE</span><br><span class="fail">${e(detail)}</span>`;
  return `<span class="na" title="${e(detail)}">n/a (build)</span>`;
}

function verdictCell(change: ReportChange): string {
  const { ok, on_chain: onChain, findings } = change.verdict;
  if (ok) return `<span class="pass">verified</span>${onChain ? '' : ' <span class="fail">(not on the chain)</span>'}`;
  const items = findings.map((finding) => `<li>${e(finding.file ? `${finding.file}: ` : '')}${e(finding.message)}</li>`).join('');
  return `<span class="fail">FAILED (${findings.length} finding${findings.length === 1 ? '' : 's'})</span><ul class="tight">${items}</ul>`;
}

function checksCell(change: ReportChange): string {
  if (change.action !== 'build') return change.build ? `promotes <code>${e(change.build.record)}</code>` : '<span class="na">no build named</span>';
  if (!change.checks) return '<span class="na">none recorded</span>';
  if (change.checks.length === 0) return '<span class="na">empty checklist</span>';
  const failed = change.checks.filter((check) => check.result !== 'pass').length;
  const items = change.checks.map((check) => `<li><span class="${check.result === 'pass' ? 'pass' : 'fail'}">${e(check.result)}</span> ${e(check.name)}${check.detail ? `: ${e(check.detail)}` : ''}</li>`).join('');
  return `${failed === 0 ? `<span class="pass">${change.checks.length} passed</span>` : `<span class="fail">${failed} failed</span>`}<ul class="tight">${items}</ul>`;
}

function revokedCell(change: ReportChange): string {
  if (!change.revoked) return '<span class="na">no</span>';
  const what = change.action === 'build' ? 'REVOKED' : 'PUTS LIVE A REVOKED BUILD';
  return `<span class="revoked badge">${what}</span><br>by ${e(change.revoked.by)}, ${e(change.revoked.at)}: ${e(change.revoked.reason)}<br><code>${e(change.revoked.record)}</code>`;
}

function row(change: ReportChange, index: number): string {
  const pr = change.pull_request ? `<br><a href="${e(change.pull_request)}">${e(change.pull_request)}</a>` : '';
  const approvers = change.action === 'build' ? '<span class="na">-</span>' : change.approvers.length === 0 ? '<span class="fail">nobody</span>' : change.approvers.map(who).join('<br>');
  return `<tr>
<td>${index + 1}</td>
<td class="mono when">${e(change.at.slice(0, 10))}<br>${e(change.at.slice(11))}</td>
<td><b>${ACTION_NAMES[change.action]}</b><br><code>${e(change.record)}</code>${pr}</td>
<td>${e(change.line ?? '?')}</td>
<td>${who(change.requester)}</td>
<td>${approvers}</td>
<td>${fourEyesCell(change)}</td>
<td class="mono digest">${change.sums_sha256 ? e(change.sums_sha256) : '<span class="fail">SHA256SUMS unreadable</span>'}</td>
<td>${verdictCell(change)}</td>
<td>${checksCell(change)}</td>
<td>${revokedCell(change)}</td>
</tr>`;
}

/**
 * The population table: one row per build, promotion and rollback of the
 * period, oldest first, and a plain list of the four-eyes failures.
 *
 * @example
 * renderReportChanges(model) // '<section id="population">…'
 */
export function renderReportChanges(model: ReportModel): string {
  const { population, four_eyes: fourEyes } = model;
  const intro = `<p>The complete population of changes in the period: <b id="population-total">${population.total}</b> change${population.total === 1 ? '' : 's'} (${population.builds} build${population.builds === 1 ? '' : 's'}, ${population.promotions} promotion${population.promotions === 1 ? '' : 's'}, ${population.rollbacks} rollback${population.rollbacks === 1 ? '' : 's'}), oldest first. "When" is when the build or promotion finished (UTC). Four eyes applies to promotions and rollbacks, the changes that put a template live: a build changes no live template, and its promotion is the approved change.</p>`;
  if (model.changes.length === 0) {
    return `<section id="population"><h2>1. Population of changes</h2>${intro}<p class="empty" id="no-changes">No builds, promotions or rollbacks took place in this period. The records folder holds ${model.audit.summary.records} record${model.audit.summary.records === 1 ? '' : 's'} in all; the sections below still state the chain, the audit and the signers.</p></section>`;
  }
  const failures = model.changes.filter((change) => change.four_eyes.result === 'fail');
  const failureList =
    failures.length === 0
      ? `<p class="pass">Every one of the ${fourEyes.checked} promotion${fourEyes.checked === 1 ? '' : 's'} and rollback${fourEyes.checked === 1 ? '' : 's'} was approved by someone other than its requester.</p>`
      : `<p class="fail">FOUR-EYES FAILURES: ${failures.length} of ${fourEyes.checked} promotion${fourEyes.checked === 1 ? '' : 's'} and rollback${fourEyes.checked === 1 ? '' : 's'} had no approval by anyone other than the requester:</p><ul>${failures
          .map((change) => `<li class="fail">FAILURE: ${ACTION_NAMES[change.action].toLowerCase()} <code>${e(change.record)}</code> requested by ${e(change.requester?.user ?? 'unknown')}: ${e(change.four_eyes.detail)}</li>`)
          .join('')}</ul>`;
  return `<section id="population"><h2>1. Population of changes</h2>${intro}
<table class="changes"><colgroup>${COLUMN_WIDTHS.map((width) => `<col style="width:${width}%">`).join('')}</colgroup><thead><tr><th>#</th><th>When (UTC)</th><th>Change and record</th><th>Line</th><th>Requester</th><th>Approvers</th><th>Four eyes</th><th>Evidence digest (SHA-256 of SHA256SUMS)</th><th>Audit verdict</th><th>Image checks</th><th>Revoked</th></tr></thead>
<tbody>${model.changes.map(row).join('\n')}</tbody></table>
<h3 id="four-eyes">Four eyes</h3>${failureList}</section>`;
}
