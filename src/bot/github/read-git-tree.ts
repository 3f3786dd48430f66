import type { GitHubClient, RepoRef } from './github-client.js';

/** One blob of a Git tree, as GET /git/trees?recursive=1 lists it. */
export interface TreeBlob {
  path: string;
  mode: string;
  sha: string;
}

/** A commit's tree, flattened: its blobs by path. */
export interface GitTree {
  commitSha: string;
  treeSha: string;
  blobs: Map<string, TreeBlob>;
}

/**
 * Reads a commit's whole tree in one call (GET /git/commits, then GET
 * /git/trees?recursive=1). Throws when GitHub truncates the listing, which
 * only a repository far larger than a records store would reach.
 *
 * @example
 * const tree = await readGitTree(octokit, { owner: 'acme', repo: 'images' }, headSha);
 * tree.blobs.get('records/HEAD')?.sha
 */
export async function readGitTree(client: GitHubClient, ref: RepoRef, commitSha: string): Promise<GitTree> {
  const { data: commit } = await client.rest.git.getCommit({ ...ref, commit_sha: commitSha });
  const { data: tree } = await client.rest.git.getTree({ ...ref, tree_sha: commit.tree.sha, recursive: 'true' });
  if (tree.truncated) throw new Error(`the tree of ${commitSha.slice(0, 12)} is too large for one listing; keep the records in a repository of their own`);
  const blobs = new Map<string, TreeBlob>();
  for (const entry of tree.tree) {
    if (entry.type === 'blob' && entry.path && entry.sha && entry.mode) blobs.set(entry.path, { path: entry.path, mode: entry.mode, sha: entry.sha });
  }
  return { commitSha, treeSha: commit.tree.sha, blobs };
}

/**
 * Reads one blob's bytes (GET /git/blobs/{sha}, base64).
 *
 * @example
 * const sums = await readGitBlob(octokit, ref, tree.blobs.get('records/HEAD')!.sha);
 */
export async function readGitBlob(client: GitHubClient, ref: RepoRef, sha: string): Promise<Buffer> {
  const { data } = await client.rest.git.getBlob({ ...ref, file_sha: sha });
  return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
}
