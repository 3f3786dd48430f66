import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditRecords } from '../../audit/audit-records.js';
import { ROOT_RECORD, type AuditReport, type Finding } from '../../audit/audit-types.js';
import { describeFinding, summaryLine } from '../../audit/format-text-report.js';
import type { AllowedSigner } from '../../audit/parse-allowed-signers.js';
import { SUMS_FILE } from '../../evidence/layout.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import { materializeRecords } from './materialize-records.js';
import { RECORDS_DIR } from './plan-records-tree.js';
import { readGitTree } from './read-git-tree.js';

/** The check run's name, as branch protection rules require it. */
export const EVIDENCE_CHECK = 'goldsmith/evidence';

/** GitHub takes at most 50 annotations per create or update call. */
const ANNOTATIONS_PER_CALL = 50;

export interface EvidenceCheckResult {
  checkRunId: number;
  conclusion: 'success' | 'failure';
  /** The audit's report, or undefined when the records could not be read at all. */
  report: AuditReport | undefined;
  summary: string;
}

/** Where a finding is annotated: the file it is about, or the record's SHA256SUMS for whole-record findings. */
function annotationPath(finding: Finding): string {
  const folder = finding.record === ROOT_RECORD ? RECORDS_DIR : `${RECORDS_DIR}/${finding.record}`;
  return `${folder}/${finding.file || (finding.record === ROOT_RECORD ? 'HEAD' : SUMS_FILE)}`;
}

function annotationOf(finding: Finding) {
  return {
    path: annotationPath(finding),
    start_line: 1,
    end_line: 1,
    annotation_level: finding.severity === 'error' ? ('failure' as const) : ('notice' as const),
    title: finding.severity === 'error' ? 'Evidence finding' : 'Evidence notice',
    message: describeFinding(finding),
  };
}

/**
 * The `goldsmith/evidence` check on a commit: reads the commit's records/
 * folder from GitHub, runs the auditor over it, and reports the verdict with
 * one annotation per finding (and notice), in batches of 50.
 *
 * @example
 * const result = await runEvidenceCheck(octokit, ref, pr.head.sha, { allowedSigners });
 * result.conclusion // 'success'
 */
export async function runEvidenceCheck(
  client: GitHubClient,
  ref: RepoRef,
  headSha: string,
  options: { allowedSigners?: readonly AllowedSigner[] | undefined; localRoot?: string | undefined } = {},
): Promise<EvidenceCheckResult> {
  const { data: created } = await client.rest.checks.create({
    ...ref,
    name: EVIDENCE_CHECK,
    head_sha: headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
  });
  const dir = mkdtempSync(join(tmpdir(), 'goldsmith-check-'));
  let report: AuditReport | undefined;
  let summary: string;
  try {
    const tree = await readGitTree(client, ref, headSha);
    const root = await materializeRecords(client, ref, tree, dir, { localRoot: options.localRoot });
    report = await auditRecords(root, { allowedSigners: options.allowedSigners, threads: 2 });
    summary = summaryLine(report);
  } catch (error) {
    summary = `the records of ${headSha.slice(0, 12)} could not be audited: ${(error as Error).message}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const conclusion = report?.ok ? 'success' : 'failure';
  const annotations = report ? [...report.findings, ...report.notices].map(annotationOf) : [];
  const text = report
    ? [
        report.ok ? 'Every record, the chain and the pointers verify.' : 'The records in this commit do not verify; each finding is annotated on its file.',
        '',
        ...report.findings.map((finding) => `- FAIL ${describeFinding(finding)}`),
        ...report.notices.map((notice) => `- NOTE ${describeFinding(notice)}`),
      ].join('\n')
    : summary;
  const title = summary.length > 250 ? `${summary.slice(0, 249)}…` : summary;
  let batch = annotations.slice(0, ANNOTATIONS_PER_CALL);
  await client.rest.checks.update({
    ...ref,
    check_run_id: created.id,
    status: 'completed',
    conclusion,
    completed_at: new Date().toISOString(),
    output: { title, summary: text.slice(0, 60_000), annotations: batch },
  });
  for (let start = ANNOTATIONS_PER_CALL; start < annotations.length; start += ANNOTATIONS_PER_CALL) {
    batch = annotations.slice(start, start + ANNOTATIONS_PER_CALL);
    await client.rest.checks.update({ ...ref, check_run_id: created.id, output: { title, summary: text.slice(0, 60_000), annotations: batch } });
  }
  return { checkRunId: created.id, conclusion, report, summary };
}
