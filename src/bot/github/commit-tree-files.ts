import { mapLimited } from '../../audit/map-limited.js';
import { gitBlobSha } from './git-blob-sha.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import type { BlobMemory } from './github-store.js';
import { httpStatusOf } from './http-status-of.js';
import type { TreeFile } from './plan-records-tree.js';

export interface CommitTreeFilesOptions {
  /** The tree the files are laid onto. */
  baseTree: string;
  files: readonly TreeFile[];
  parents: readonly string[];
  message: string;
  /** Blob SHAs the repository certainly holds (read from its trees just now). */
  knownBlobs?: ReadonlySet<string>;
  /** Blobs uploaded by earlier pushes (other pull requests' branches): named, not sent, unless GitHub no longer has them. */
  memory?: BlobMemory | undefined;
}

/** Blob uploads in flight at once: enough to hide latency, few enough to stay clear of GitHub's secondary limits. */
const UPLOADS = 4;

async function upload(client: GitHubClient, ref: RepoRef, blobs: ReadonlyMap<string, TreeFile>, memory: BlobMemory | undefined): Promise<void> {
  await mapLimited([...blobs], UPLOADS, async ([sha, file]) => {
    const { data } = await client.rest.git.createBlob({ ...ref, content: file.content.toString('base64'), encoding: 'base64' });
    // The tree names blobs by the SHA computed here: a different answer means the bytes changed on the way.
    if (data.sha !== sha) throw new Error(`GitHub stored ${file.path} as blob ${data.sha}, not ${sha}: its content changed on the way; try again`);
  });
  memory?.remember([...blobs.keys()]);
}

/**
 * Writes files as one commit through the Git Data API: one tree on top of
 * `baseTree` and one commit, with a blob (base64, so logs travel byte for
 * byte) uploaded only for contents the repository does not have. Each file's
 * Git blob SHA is computed here; a file whose SHA is in `knownBlobs` or in
 * `memory` is named by it in the tree instead. If GitHub refuses the tree
 * (422) because a remembered blob is gone, those blobs are uploaded and the
 * tree is created again. Each distinct content is uploaded at most once per
 * call. Refs are not moved; the caller creates or updates the branch.
 *
 * @example
 * const sha = await commitTreeFiles(octokit, ref, { baseTree, files: plan.files, parents: [baseSha], message: 'Evidence: builds/ubuntu-24.04/20261124T090300Z', knownBlobs, memory: store.blobMemory('acme/images') });
 */
export async function commitTreeFiles(client: GitHubClient, ref: RepoRef, options: CommitTreeFilesOptions): Promise<string> {
  const entries = options.files.map((file) => ({ path: file.path, mode: file.mode, type: 'blob' as const, sha: gitBlobSha(file.content) }));
  const distinct = new Map<string, TreeFile>();
  entries.forEach((entry, index) => distinct.set(entry.sha, options.files[index]!));
  const unknown = [...distinct.keys()].filter((sha) => !options.knownBlobs?.has(sha));
  const remembered = options.memory?.uploaded(unknown) ?? new Set<string>();
  const missing = new Map(unknown.filter((sha) => !remembered.has(sha)).map((sha) => [sha, distinct.get(sha)!]));
  await upload(client, ref, missing, options.memory);

  const createTree = () => client.rest.git.createTree({ ...ref, base_tree: options.baseTree, tree: entries });
  let tree;
  try {
    ({ data: tree } = await createTree());
  } catch (error) {
    // "tree.sha … is not a valid blob": a remembered blob was collected (its branch deleted). Send them and try once more.
    if (httpStatusOf(error) !== 422 || remembered.size === 0) throw error;
    await upload(client, ref, new Map([...remembered].map((sha) => [sha, distinct.get(sha)!])), options.memory);
    ({ data: tree } = await createTree());
  }
  const { data: commit } = await client.rest.git.createCommit({ ...ref, message: options.message, tree: tree.sha, parents: [...options.parents] });
  return commit.sha;
}
