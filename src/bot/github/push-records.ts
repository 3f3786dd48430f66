import { commitTreeFiles } from './commit-tree-files.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import type { BlobMemory } from './github-store.js';
import { httpStatusOf } from './http-status-of.js';
import { planRecordsTree, type RecordsTreePlan } from './plan-records-tree.js';
import { readGitTree, type GitTree } from './read-git-tree.js';
import { recordsInTree } from './records-in-tree.js';

export interface PushRecordsOptions {
  /** The local records root. */
  root: string;
  /** The newest record the branch must hold. */
  upTo: string;
  baseBranch: string;
  branch: string;
  /**
   * The branch as it stands, for a branch that exists (a pull request's):
   * its head, and the base commit its records were laid onto. Omitted, the
   * branch is created from the base branch.
   */
  existing?: { headSha: string; baseSha: string } | undefined;
  message: string;
  /**
   * The blobs goldsmith uploaded to the repository before: records of
   * earlier pull requests that are still open live on their branches, not on
   * the base branch, so without it each new pull request sent them all again.
   */
  memory?: BlobMemory | undefined;
}

export interface PushedRecords {
  commitSha: string;
  /** The base branch commit the records are now laid onto. */
  baseSha: string;
  plan: RecordsTreePlan;
}

const blobShas = (...trees: GitTree[]) => new Set(trees.flatMap((tree) => [...tree.blobs.values()].map((blob) => blob.sha)));

/**
 * Commits the local records up to `upTo` onto a branch, so its records/
 * folder is a complete, auditable chain. A new branch starts at the base
 * branch. An existing branch gets a commit on its head; when the base branch
 * has moved since, that commit also has the base's head as a parent and its
 * tree is the base's plus the missing records, so merging it can never
 * conflict on HEAD or `latest`. Only contents the repository lacks are
 * uploaded: those in the trees read and those in `memory` are named by SHA,
 * so the requests a push makes depend on what it adds, not on how many pull
 * requests are open.
 *
 * @example
 * const pushed = await pushRecords(octokit, ref, { root: 'records', upTo: written.record, baseBranch: 'main', branch: 'promote/ubuntu-24.04/20261124T090300Z', message: 'Evidence', memory: store.blobMemory('acme/images') });
 */
export async function pushRecords(client: GitHubClient, ref: RepoRef, options: PushRecordsOptions): Promise<PushedRecords> {
  const { data: base } = await client.rest.git.getRef({ ...ref, ref: `heads/${options.baseBranch}` });
  const baseSha = base.object.sha;
  const baseTree = await readGitTree(client, ref, baseSha);
  const existing = options.existing;
  const headTree = existing ? await readGitTree(client, ref, existing.headSha) : undefined;
  // Unchanged base: build on the branch's own tree. Moved base: on the base's, which the merge would produce anyway.
  const onto = headTree && existing?.baseSha === baseSha ? headTree : baseTree;
  const plan = planRecordsTree({ root: options.root, present: recordsInTree(onto), upTo: options.upTo });
  const parents = existing ? (existing.baseSha === baseSha ? [existing.headSha] : [existing.headSha, baseSha]) : [baseSha];
  const commitSha = await commitTreeFiles(client, ref, {
    baseTree: onto.treeSha,
    files: plan.files,
    parents,
    message: options.message,
    knownBlobs: headTree ? blobShas(baseTree, headTree) : blobShas(baseTree),
    memory: options.memory,
  });
  if (existing) {
    // Not forced: if someone pushed to the branch meanwhile, GitHub refuses and the caller says so.
    await client.rest.git.updateRef({ ...ref, ref: `heads/${options.branch}`, sha: commitSha, force: false });
  } else {
    try {
      await client.rest.git.createRef({ ...ref, ref: `refs/heads/${options.branch}`, sha: commitSha });
    } catch (error) {
      // Left by an attempt that stopped before its pull request was opened: the branch is goldsmith's own.
      if (httpStatusOf(error) !== 422) throw error;
      await client.rest.git.updateRef({ ...ref, ref: `heads/${options.branch}`, sha: commitSha, force: true });
    }
  }
  return { commitSha, baseSha, plan };
}
