import type { DiscoveredRelease } from '../../pipeline/media/discover-release.js';
import { commitTreeFiles } from './commit-tree-files.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import { readGitBlob, readGitTree } from './read-git-tree.js';

/** What the matrix entry names now, before the bump. */
export interface CurrentMedia {
  file: string | undefined;
  isoUrl: string | undefined;
  sumsUrl: string | undefined;
}

export interface MediaPullRequestInput {
  line: string;
  baseBranch: string;
  /** The matrix file's path in the repository, such as `packer/matrix.json`. */
  matrixPath: string;
  current: CurrentMedia;
  release: DiscoveredRelease;
}

export interface MediaPullRequest {
  number: number;
  url: string;
  /** False when an open pull request of the line was updated instead. */
  created: boolean;
}

/** The branch of a line's ISO bump: one per line, so a newer release updates the open pull request. */
export const mediaBranchOf = (line: string): string => `iso-update/${line}`;

function renderBody(input: MediaPullRequestInput): string {
  const { current, release } = input;
  return [
    `A newer point release of \`${input.line}\` is published: **${release.file}** replaces ${current.file ? `**${current.file}**` : 'nothing yet'}.`,
    '',
    '| | before | after |',
    '|---|---|---|',
    `| iso_file | ${current.file ?? '-'} | ${release.file} |`,
    `| iso_url | ${current.isoUrl ?? '-'} | ${release.isoUrl} |`,
    `| sums_url | ${current.sumsUrl ?? '-'} | ${release.sumsUrl} |`,
    '',
    `SHA-256 of ${release.file}, as ${release.sumsUrl} publishes it: \`${release.sha256}\``,
    '',
    `After merging, stage it on the datastore before the next build: \`goldsmith iso stage ${input.line}\` (the download is checked against this SHA-256, and a media record is sealed).`,
    '',
    `<!-- goldsmith:iso line=${input.line} file=${release.file} sha256=${release.sha256} -->`,
  ].join('\n');
}

/** The matrix text with the line's entry bumped; undefined when it already names the release. */
function bumpMatrix(text: string, input: MediaPullRequestInput): string | undefined {
  let matrix: Array<Record<string, unknown>>;
  try {
    matrix = JSON.parse(text) as Array<Record<string, unknown>>;
  } catch (error) {
    throw new Error(`${input.matrixPath} on ${input.baseBranch} is not valid JSON (${(error as Error).message}); fix it there first`);
  }
  const entry = Array.isArray(matrix) ? matrix.find((candidate) => candidate?.key === input.line) : undefined;
  if (!entry) throw new Error(`${input.matrixPath} on ${input.baseBranch} has no entry "${input.line}"; is the local matrix ahead of the repository?`);
  if (entry.iso_file === input.release.file && entry.iso_url === input.release.isoUrl && entry.sums_url === input.release.sumsUrl) return undefined;
  Object.assign(entry, { iso_file: input.release.file, iso_url: input.release.isoUrl, sums_url: input.release.sumsUrl });
  return `${JSON.stringify(matrix, null, 2)}\n`;
}

/**
 * Proposes a line's newer ISO as a pull request bumping its matrix entry
 * (iso_file, iso_url, sums_url) on branch `iso-update/<line>`, the published
 * SHA-256 and the old and new names in the body, through the Git Data API.
 * Proposed once: an open pull request of the line is updated (its branch
 * rebuilt on the base, its title and body rewritten), never duplicated.
 * Undefined when the base branch already names the release.
 *
 * @example
 * const pr = await openMediaPullRequest(client, ref, { line: 'ubuntu-24.04', baseBranch: 'main', matrixPath: 'packer/matrix.json', current, release });
 * pr?.url // https://github.com/acme/images/pull/12
 */
export async function openMediaPullRequest(client: GitHubClient, ref: RepoRef, input: MediaPullRequestInput): Promise<MediaPullRequest | undefined> {
  const { data: base } = await client.rest.git.getRef({ ...ref, ref: `heads/${input.baseBranch}` });
  const tree = await readGitTree(client, ref, base.object.sha);
  const blob = tree.blobs.get(input.matrixPath);
  if (!blob) throw new Error(`the repository has no ${input.matrixPath} on ${input.baseBranch}: goldsmith proposes the bump there; commit the matrix first`);
  const bumped = bumpMatrix((await readGitBlob(client, ref, blob.sha)).toString('utf8'), input);
  if (bumped === undefined) return undefined;

  const title = `ISO update for ${input.line}: ${input.release.file}`;
  const body = renderBody(input);
  const commit = await commitTreeFiles(client, ref, {
    baseTree: tree.treeSha,
    parents: [base.object.sha],
    files: [{ path: input.matrixPath, mode: '100644', content: Buffer.from(bumped) }],
    message: `${title}\n\n${input.current.file ?? '(none)'} -> ${input.release.file}\nSHA-256 ${input.release.sha256} (${input.release.sumsUrl})`,
  });
  const branch = mediaBranchOf(input.line);
  const { data: open } = await client.rest.pulls.list({ ...ref, head: `${ref.owner}:${branch}`, state: 'open' });
  const existing = open[0];
  if (existing) {
    await client.rest.git.updateRef({ ...ref, ref: `heads/${branch}`, sha: commit, force: true });
    await client.rest.pulls.update({ ...ref, pull_number: existing.number, title, body });
    return { number: existing.number, url: existing.html_url, created: false };
  }
  try {
    await client.rest.git.createRef({ ...ref, ref: `refs/heads/${branch}`, sha: commit });
  } catch {
    // A branch left by a closed pull request: start it again from this commit.
    await client.rest.git.updateRef({ ...ref, ref: `heads/${branch}`, sha: commit, force: true });
  }
  const { data: created } = await client.rest.pulls.create({ ...ref, head: branch, base: input.baseBranch, title, body, maintainer_can_modify: false });
  return { number: created.number, url: created.html_url, created: true };
}
