import { copyFileSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { mapLimited } from '../../audit/map-limited.js';
import { gitBlobSha } from './git-blob-sha.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import { RECORDS_DIR } from './plan-records-tree.js';
import { readGitBlob, type GitTree, type TreeBlob } from './read-git-tree.js';

/** Blob downloads in flight at once. */
const DOWNLOADS = 8;

/** True when the local file or link at `local` is, byte for byte, the tree's blob (a link's blob is its target). */
function sameAsLocal(local: string, blob: TreeBlob): boolean {
  let stat;
  try {
    stat = lstatSync(local);
  } catch {
    return false;
  }
  if (blob.mode === '120000') return stat.isSymbolicLink() && gitBlobSha(Buffer.from(readlinkSync(local))) === blob.sha;
  return stat.isFile() && gitBlobSha(readFileSync(local)) === blob.sha;
}

/**
 * Writes the records/ folder of a Git tree into `dir` (as `dir/records`), so
 * the auditor can read exactly what a branch holds. Symbolic links (`latest`)
 * become links again; a path that would leave `dir` is refused, since the
 * tree comes from a branch anyone with push access can write. A file (or
 * `latest` link) the local records folder holds with the very same Git blob
 * SHA is taken from there rather than downloaded: logs are large, most of a
 * branch's records are goldsmith's own, and a branch carrying many lines'
 * links would otherwise cost a request per line.
 *
 * @example
 * const root = await materializeRecords(octokit, ref, tree, tmp, { localRoot: 'records' }); // tmp/records
 * const report = await auditRecords(root);
 */
export async function materializeRecords(client: GitHubClient, ref: RepoRef, tree: GitTree, dir: string, options: { localRoot?: string | undefined } = {}): Promise<string> {
  const root = resolve(dir, RECORDS_DIR);
  mkdirSync(root, { recursive: true });
  const blobs = [...tree.blobs.values()].filter((blob) => blob.path.startsWith(`${RECORDS_DIR}/`));
  await mapLimited(blobs, DOWNLOADS, async (blob) => {
    const path = resolve(dir, blob.path);
    if (relative(root, path).startsWith('..')) throw new Error(`the tree holds "${blob.path}", which leaves the records folder; refusing to audit it`);
    mkdirSync(dirname(path), { recursive: true });
    const local = options.localRoot ? resolve(options.localRoot, relative(root, path)) : undefined;
    if (local && sameAsLocal(local, blob)) {
      if (blob.mode === '120000') symlinkSync(readlinkSync(local), path);
      else copyFileSync(local, path);
      return;
    }
    const content = await readGitBlob(client, ref, blob.sha);
    if (blob.mode === '120000') symlinkSync(content.toString('utf8'), path);
    else writeFileSync(path, content);
  });
  return join(dir, RECORDS_DIR);
}
