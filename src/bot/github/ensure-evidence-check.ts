import type { AllowedSigner } from '../../audit/parse-allowed-signers.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import { EVIDENCE_CHECK, runEvidenceCheck } from './run-evidence-check.js';

/**
 * The `goldsmith/evidence` verdict on a commit: the newest completed check
 * run of that name when there is one, else a new audit. Promotion requires
 * `success`, so a pull request whose records do not audit clean is never
 * promoted, whoever approves it.
 *
 * @example
 * const verdict = await ensureEvidenceCheck(octokit, ref, pr.head.sha, { appId: 123, allowedSigners });
 * if (verdict.conclusion !== 'success') return refuse(verdict.summary);
 */
export async function ensureEvidenceCheck(
  client: GitHubClient,
  ref: RepoRef,
  sha: string,
  options: { appId: number; allowedSigners?: readonly AllowedSigner[] | undefined; localRoot?: string | undefined },
): Promise<{ conclusion: string; summary: string }> {
  const { data } = await client.rest.checks.listForRef({ ...ref, ref: sha, check_name: EVIDENCE_CHECK, filter: 'all', per_page: 100 });
  // Only goldsmith's own runs count: any app (or workflow) may create a check run with the same name.
  const done = data.check_runs.filter((run) => run.status === 'completed' && run.app?.id === options.appId).sort((a, b) => b.id - a.id)[0];
  if (done) return { conclusion: done.conclusion ?? 'neutral', summary: done.output.title ?? `${EVIDENCE_CHECK} concluded ${done.conclusion}` };
  const result = await runEvidenceCheck(client, ref, sha, options);
  return { conclusion: result.conclusion, summary: result.summary };
}
