import type { ProbotOctokit } from 'probot';

/** An Octokit authenticated as the app's installation on the repository: what every GitHub call goes through. */
export type GitHubClient = ProbotOctokit;

/** The repository that receives promotion pull requests (`github.repository`). */
export interface RepoRef {
  owner: string;
  repo: string;
}

/**
 * Splits `owner/name`.
 *
 * @example
 * parseRepoRef('acme/images') // { owner: 'acme', repo: 'images' }
 */
export function parseRepoRef(fullName: string): RepoRef {
  const [owner, repo, ...rest] = fullName.split('/');
  if (!owner || !repo || rest.length > 0) throw new Error(`"${fullName}" is not "owner/name"; set github.repository in goldsmith.yaml`);
  return { owner, repo };
}

/** `owner/name`, as the store keys pull requests. */
export const fullNameOf = (ref: RepoRef): string => `${ref.owner}/${ref.repo}`;

/** True when a webhook's repository is the configured one (GitHub compares names without case). */
export const isSameRepo = (a: RepoRef, b: RepoRef): boolean => fullNameOf(a).toLowerCase() === fullNameOf(b).toLowerCase();
