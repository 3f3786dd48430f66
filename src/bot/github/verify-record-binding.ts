import { createHash } from 'node:crypto';
import { SIGNATURE_FILE, SUMS_FILE } from '../../evidence/layout.js';
import { parseSums } from '../../evidence/sums.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import { RECORDS_DIR } from './plan-records-tree.js';
import { readGitBlob, readGitTree, type GitTree } from './read-git-tree.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const short = (digest: string) => `${digest.slice(0, 16)}…`;

/**
 * Checks that the build record in a pull request's head still is what the
 * approval binds: its SHA256SUMS hashes to `sumsSha256`, every file it lists
 * hashes as listed, and the folder holds nothing else. Reads the head's
 * tree from GitHub (never the local copy, which is not what would be merged).
 * Returns the tree when it holds, or the reason it does not.
 *
 * @example
 * const bound = await verifyRecordBinding(octokit, ref, pr.head.sha, 'builds/ubuntu-24.04/20261124T090300Z', digest);
 * if (!bound.ok) return refuse(bound.message);
 */
export async function verifyRecordBinding(
  client: GitHubClient,
  ref: RepoRef,
  headSha: string,
  record: string,
  sumsSha256: string,
): Promise<{ ok: true; tree: GitTree } | { ok: false; message: string }> {
  const tree = await readGitTree(client, ref, headSha);
  const folder = `${RECORDS_DIR}/${record}`;
  const refuse = (why: string) => ({ ok: false as const, message: `${why}; the approval binds SHA256SUMS SHA-256 ${short(sumsSha256)}, so nothing was promoted. Restore the record as goldsmith sealed it, or /reject this pull request` });
  const sumsBlob = tree.blobs.get(`${folder}/${SUMS_FILE}`);
  if (!sumsBlob) return refuse(`\`${folder}/${SUMS_FILE}\` is missing from this pull request`);
  const sums = await readGitBlob(client, ref, sumsBlob.sha);
  const actual = sha256(sums);
  if (actual !== sumsSha256) return refuse(`\`${folder}/${SUMS_FILE}\` was edited: it now hashes to ${short(actual)}`);
  const listed = parseSums(sums.toString('utf8'));
  for (const entry of listed) {
    const blob = tree.blobs.get(`${folder}/${entry.name}`);
    if (!blob) return refuse(`\`${folder}/${entry.name}\` is missing from this pull request`);
    const digest = sha256(await readGitBlob(client, ref, blob.sha));
    if (digest !== entry.sha256) return refuse(`\`${folder}/${entry.name}\` was edited: it hashes to ${short(digest)}, not the ${short(entry.sha256)} its SHA256SUMS lists`);
  }
  const expected = new Set([...listed.map((entry) => entry.name), SUMS_FILE, SIGNATURE_FILE]);
  const extra = [...tree.blobs.keys()].filter((path) => path.startsWith(`${folder}/`) && !expected.has(path.slice(folder.length + 1)));
  if (extra.length > 0) return refuse(`\`${extra[0]}\` was added to the record`);
  return { ok: true, tree };
}
