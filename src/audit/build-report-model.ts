import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { MatrixEntry } from '../config/matrix-schema.js';
import { RUN_FILE, SUMS_FILE } from '../evidence/layout.js';
import { readLineHealth } from '../evidence/read-line-health.js';
import { runSchema, type Requester, type Run } from '../evidence/run-schema.js';
import { GOLDSMITH_VERSION } from '../evidence/version.js';
import { auditRecords } from './audit-records.js';
import type { AuditedRecord, AuditReport } from './audit-types.js';
import type { AllowedSigner } from './parse-allowed-signers.js';
import type { ReportPeriod } from './parse-report-period.js';
import { instantOfTimestamp, readRevocations, revokedBuilds, type RevocationEntry } from './read-revocations.js';
import { readSmallFile } from './read-small-file.js';
import { reportControls } from './report-controls.js';
import { REPORT_FORMAT, reportModelSchema, type FourEyes, type ReportChange, type ReportModel } from './report-model.js';
import { reportVerifyCommands } from './report-verify-commands.js';

export interface ReportOptions {
  period: ReportPeriod;
  allowedSigners?: readonly AllowedSigner[];
  /** The allowed_signers file as given, for the commands the report prints. */
  allowedSignersFile?: string;
  /** The matrix (its path and entries) whose lines' live templates are aged against their max_age_days. */
  matrix?: { path: string; entries: readonly MatrixEntry[] };
  now?: Date;
}

/** Each matrix line's live template, aged as of `now` from the records alone (evidence/read-line-health). */
function templatesOf(root: string, matrix: ReportOptions['matrix'], now: Date): ReportModel['templates'] {
  const lines = (matrix?.entries ?? []).map((entry) => {
    const health = readLineHealth(root, entry, now);
    return {
      line: entry.key,
      live_build: health.live?.build.record ?? null,
      age_days: health.ageDays ?? null,
      max_age_days: health.maxAgeDays ?? null,
      expired: health.expired,
      revoked: health.revoked !== undefined,
    };
  });
  return { matrix: matrix?.path ?? null, as_of: now.toISOString(), lines };
}

/** run.json as the schema reads it, or undefined: the audit names what is wrong with it. */
function readRun(root: string, record: string): Run | undefined {
  const file = readSmallFile(join(root, record, RUN_FILE), 1 << 20);
  if ('problem' in file) return undefined;
  try {
    const parsed = runSchema.safeParse(JSON.parse(file.bytes.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function sumsDigestOf(root: string, record: string): string | null {
  const file = readSmallFile(join(root, record, SUMS_FILE), 64 << 10);
  return 'problem' in file ? null : createHash('sha256').update(file.bytes).digest('hex');
}

const sameUser = (a: Requester, b: Requester): boolean => a.user.trim().toLowerCase() === b.user.trim().toLowerCase();

/**
 * Four eyes: a promotion or rollback must be approved by someone other than
 * its requester. A build changes no live template, so it needs no approval
 * of its own: its promotion is the approved change.
 */
function fourEyesOf(run: Run | undefined, action: ReportChange['action']): FourEyes {
  if (action === 'build') return { result: 'not-applicable', detail: 'a build changes no live template; its promotion is the approved change' };
  if (!run || run.kind !== 'promotion') return { result: 'fail', detail: 'run.json cannot be read: no approval can be shown' };
  const others = run.approved_by.filter((approver) => !sameUser(approver, run.requested_by));
  if (others.length > 0) return { result: 'pass', detail: `approved by ${others.map((approver) => approver.user).join(', ')}, not the requester` };
  if (run.approved_by.length === 0) return { result: 'fail', detail: 'approved by nobody' };
  return { result: 'fail', detail: `approved only by its requester ${run.requested_by.user}` };
}

function revocationOf(entry: RevocationEntry | undefined): ReportChange['revoked'] {
  return entry ? { record: entry.record, at: entry.at, by: entry.requester.user, reason: entry.reason } : null;
}

function changeOf(root: string, audited: AuditedRecord, report: AuditReport, revoked: Map<string, RevocationEntry>): ReportChange {
  const run = readRun(root, audited.record);
  const ts = audited.record.split('/').at(-1) ?? '';
  const action: ReportChange['action'] = audited.kind === 'build' ? 'build' : run?.kind === 'promotion' ? run.action : 'promote';
  const sums = sumsDigestOf(root, audited.record);
  const build = run?.kind === 'promotion' ? run.build : null;
  const revokedBy = audited.kind === 'build' ? (sums ? revoked.get(sums) : undefined) : build ? revoked.get(build.sums_sha256) : undefined;
  return {
    record: audited.record,
    action,
    at: run && (run.kind === 'build' || run.kind === 'promotion') ? run.finished_at : /^\d{8}T\d{6}Z$/.test(ts) ? instantOfTimestamp(ts) : '',
    line: audited.line,
    requester: run && run.kind !== 'init' ? run.requested_by : null,
    approvers: run?.kind === 'promotion' ? run.approved_by : [],
    four_eyes: fourEyesOf(run, action),
    sums_sha256: sums,
    signer: run ? { identity: run.signer.identity, fingerprint: run.signer.fingerprint } : null,
    verdict: { ok: audited.ok, on_chain: audited.onChain, findings: report.findings.filter((finding) => finding.record === audited.record) },
    checks: run?.kind === 'build' && run.checks ? run.checks : null,
    build,
    pull_request: run?.kind === 'promotion' ? (run.pull_request?.url ?? null) : null,
    revoked: revocationOf(revokedBy),
  };
}

function inPeriod(at: string, period: ReportPeriod): boolean {
  const time = Date.parse(at);
  // A change whose time cannot be read is kept: leaving it out would hide it from the population.
  return Number.isNaN(time) || (time >= period.start && time < period.end);
}

function signersOf(root: string, report: AuditReport): ReportModel['signers']['keys'] {
  const keys = new Map<string, { identity: string; fingerprint: string; records: number }>();
  for (const audited of report.records) {
    const run = readRun(root, audited.record);
    if (!run) continue;
    const key = `${run.signer.identity} ${run.signer.fingerprint}`;
    const entry = keys.get(key) ?? { identity: run.signer.identity, fingerprint: run.signer.fingerprint, records: 0 };
    entry.records += 1;
    keys.set(key, entry);
  }
  return [...keys.values()].sort((a, b) => b.records - a.records);
}

/**
 * Builds the assessor's report of `root` for a period: runs the audit (its
 * verdicts and numbers are the report's), then reads each build and
 * promotion record's run.json for who asked, who approved and what was
 * checked, and the revocation records for revoked builds. Throws
 * AuditInputError when the folder cannot be read.
 *
 * @example
 * const model = await buildReportModel('records', { period: parseReportPeriod({ from: '2026-10-01', to: '2026-12-31' }) });
 * model.population.total // builds + promotions + rollbacks of the period
 */
export async function buildReportModel(root: string, options: ReportOptions): Promise<ReportModel> {
  const report = await auditRecords(root, { allowedSigners: options.allowedSigners });
  const revocations = readRevocations(root);
  const revoked = revokedBuilds(revocations);
  const changes = report.records
    .filter((audited) => audited.kind === 'build' || audited.kind === 'promotion')
    .map((audited) => changeOf(root, audited, report, revoked))
    .filter((change) => inPeriod(change.at, options.period))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.record < b.record ? -1 : 1));
  const approvals = changes.filter((change) => change.four_eyes.result !== 'not-applicable');
  const keys = signersOf(root, report);
  const period = { from: options.period.from, to: options.period.to };
  const { ok, findings, notices, summary } = report;
  return reportModelSchema.parse({
    format: REPORT_FORMAT,
    generated_at: (options.now ?? new Date()).toISOString(),
    goldsmith_version: GOLDSMITH_VERSION,
    records_dir: root,
    period,
    population: {
      total: changes.length,
      builds: changes.filter((change) => change.action === 'build').length,
      promotions: changes.filter((change) => change.action === 'promote').length,
      rollbacks: changes.filter((change) => change.action === 'rollback').length,
    },
    four_eyes: {
      checked: approvals.length,
      passed: approvals.filter((change) => change.four_eyes.result === 'pass').length,
      failed: approvals.filter((change) => change.four_eyes.result === 'fail').length,
    },
    revoked: changes.filter((change) => change.revoked !== null).length,
    changes,
    revocations: revocations
      .filter((entry) => inPeriod(entry.at, options.period))
      .map((entry) => ({ record: entry.record, action: entry.action, at: entry.at, line: entry.line, requester: entry.requester, reason: entry.reason, build: entry.build })),
    templates: templatesOf(root, options.matrix, options.now ?? new Date()),
    audit: { ok, summary, findings, notices },
    chain: { records: summary.records, length: report.chain.length, head: report.chain.head && { record: report.chain.head.record, sums_sha256: report.chain.head.sumsSha256 }, intact: report.chain.intact },
    signers: { checked: summary.signersChecked, allowed_signers: options.allowedSignersFile ?? null, keys },
    controls: reportControls(),
    verify: reportVerifyCommands({
      recordsDir: root,
      allowedSigners: options.allowedSignersFile ?? null,
      identities: [...new Set(keys.map((key) => key.identity))],
      period,
      changes,
    }),
  });
}
