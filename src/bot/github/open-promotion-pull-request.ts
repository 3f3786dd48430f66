import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILE, SUMS_FILE } from '../../evidence/layout.js';
import { buildRunSchema } from '../../evidence/run-schema.js';
import type { GitHubAppContext } from './github-app-context.js';
import { fullNameOf, type GitHubClient } from './github-client.js';
import type { PromotionPullRequest } from './github-store.js';
import { httpStatusOf } from './http-status-of.js';
import { pushRecords } from './push-records.js';
import { renderPullRequest } from './render-pull-request.js';
import { runEvidenceCheck, type EvidenceCheckResult } from './run-evidence-check.js';

export interface OpenedPullRequest {
  pullRequest: PromotionPullRequest;
  /** False when the record already had its pull request (nothing was opened again). */
  created: boolean;
  check: EvidenceCheckResult | undefined;
}

/** The promotion branch of a build record: `promote/<line>/<ts>`. */
export const promotionBranchOf = (line: string, ts: string): string => `promote/${line}/${ts}`;

/**
 * Opens the promotion pull request of a sealed build record on the configured
 * repository: branch `promote/<line>/<ts>` from the base branch, carrying the
 * record (and any earlier record of the chain the repository lacks) under
 * records/ through the Git Data API; title and body from the record's README
 * with the SHA256SUMS digest an approval binds to; then the
 * `goldsmith/evidence` check on its head. A record that already has its pull
 * request gets it back instead of a second one.
 *
 * @example
 * const opened = await openPromotionPullRequest(context, octokit, { record: 'builds/ubuntu-24.04/20261124T090300Z', jobId: 12 });
 * opened.pullRequest.url // https://github.com/acme/images/pull/42
 */
export async function openPromotionPullRequest(
  context: GitHubAppContext,
  client: GitHubClient,
  input: { record: string; jobId?: number | null | undefined },
): Promise<OpenedPullRequest> {
  const { ref, store, settings } = context;
  const repository = fullNameOf(ref);
  const known = store.pullRequestOfRecord(repository, input.record);
  if (known) return { pullRequest: known, created: false, check: undefined };

  const folder = join(context.recordsRoot, input.record);
  const parsed = buildRunSchema.safeParse(JSON.parse(readFileSync(join(folder, RUN_FILE), 'utf8')));
  if (!parsed.success) throw new Error(`${join(folder, RUN_FILE)} is not a build record's run.json; only build records get a promotion pull request`);
  const run = parsed.data;
  // The job that built it: as given, else as the record names it (goldsmith's job ids are numbers).
  const jobId = input.jobId ?? (run.job_id !== null && /^\d+$/.test(run.job_id) ? Number(run.job_id) : null);
  const sumsSha256 = createHash('sha256').update(readFileSync(join(folder, SUMS_FILE))).digest('hex');
  const branch = promotionBranchOf(run.line, run.ts);

  const pushed = await pushRecords(client, ref, {
    root: context.recordsRoot,
    upTo: input.record,
    baseBranch: settings.base_branch,
    branch,
    message: `Evidence: ${input.record}\n\nSHA256SUMS SHA-256 ${sumsSha256}`,
    memory: store.blobMemory(repository),
  });
  const text = renderPullRequest({
    root: context.recordsRoot,
    record: input.record,
    line: run.line,
    sumsSha256,
    approvalsRequired: settings.approvals_required,
    approveOnReview: settings.approve_on_review,
  });
  let number: number;
  let url: string;
  try {
    const { data } = await client.rest.pulls.create({ ...ref, head: branch, base: settings.base_branch, title: text.title, body: text.body, maintainer_can_modify: false });
    ({ number, html_url: url } = data);
  } catch (error) {
    // An earlier attempt opened it but stopped before remembering it.
    if (httpStatusOf(error) !== 422) throw error;
    const { data } = await client.rest.pulls.list({ ...ref, head: `${ref.owner}:${branch}`, state: 'open' });
    const found = data[0];
    if (!found) throw error;
    ({ number, html_url: url } = found);
  }
  const pullRequest = store.savePullRequest({
    repository,
    number,
    url,
    branch,
    line: run.line,
    record: input.record,
    sumsSha256,
    jobId,
    requestedBy: run.requested_by,
    baseSha: pushed.baseSha,
  });
  context.jobs?.addEvent(jobId, 'promotion-pr', `opened ${url} for ${input.record}`);
  const check = await runEvidenceCheck(client, ref, pushed.commitSha, { allowedSigners: context.allowedSigners, localRoot: context.recordsRoot });
  return { pullRequest, created: true, check };
}
