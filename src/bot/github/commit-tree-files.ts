import { mapLimited } from '../../audit/map-limited.js';
import { gitBlobSha } from './git-blob-sha.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import type { TreeFile } from './plan-records-tree.js';

export interface CommitTreeFilesOptions {
  /** The tree the files are laid onto. */
  baseTree: string;
  files: readonly TreeFile[];
  parents: readonly string[];
  message: string;
  /** Blob SHAs the repository already holds (from the trees read): files with these contents are not uploaded again. */
  knownBlobs?: ReadonlySet<string>;
}

/** Blob uploads in flight at once: enough to hide latency, few enough to stay clear of GitHub's secondary limits. */
const UPLOADS = 4;

/**
 * Writes files as one commit through the Git Data API: a blob per file
 * (base64, so logs travel byte for byte) unless the repository already holds
 * it, one tree on top of `baseTree`, one commit. Refs are not moved; the caller creates or updates the branch.
 *
 * @example
 * const sha = await commitTreeFiles(octokit, ref, { baseTree, files: plan.files, parents: [baseSha], message: 'Evidence: builds/ubuntu-24.04/20261124T090300Z' });
 */
export async function commitTreeFiles(client: GitHubClient, ref: RepoRef, options: CommitTreeFilesOptions): Promise<string> {
  const entries = await mapLimited(options.files, UPLOADS, async (file) => {
    const sha = gitBlobSha(file.content);
    if (options.knownBlobs?.has(sha)) return { path: file.path, mode: file.mode, type: 'blob' as const, sha };
    const { data } = await client.rest.git.createBlob({ ...ref, content: file.content.toString('base64'), encoding: 'base64' });
    return { path: file.path, mode: file.mode, type: 'blob' as const, sha: data.sha };
  });
  const { data: tree } = await client.rest.git.createTree({ ...ref, base_tree: options.baseTree, tree: entries });
  const { data: commit } = await client.rest.git.createCommit({ ...ref, message: options.message, tree: tree.sha, parents: [...options.parents] });
  return commit.sha;
}
