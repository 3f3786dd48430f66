import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { mapLimited } from '../../audit/map-limited.js';
import { gitBlobSha } from './git-blob-sha.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import { RECORDS_DIR } from './plan-records-tree.js';
import { readGitBlob, type GitTree } from './read-git-tree.js';

/** Blob downloads in flight at once. */
const DOWNLOADS = 8;

/**
 * Writes the records/ folder of a Git tree into `dir` (as `dir/records`), so
 * the auditor can read exactly what a branch holds. Symbolic links (`latest`)
 * become links again; a path that would leave `dir` is refused, since the
 * tree comes from a branch anyone with push access can write. A file the
 * local records folder holds with the very same Git blob SHA is copied from
 * there rather than downloaded: logs are large, and most of a branch's
 * records are goldsmith's own.
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
    const local = options.localRoot && blob.mode !== '120000' ? resolve(options.localRoot, relative(root, path)) : undefined;
    if (local && existsSync(local) && lstatSync(local).isFile() && gitBlobSha(readFileSync(local)) === blob.sha) {
      copyFileSync(local, path);
      return;
    }
    const content = await readGitBlob(client, ref, blob.sha);
    if (blob.mode === '120000') symlinkSync(content.toString('utf8'), path);
    else writeFileSync(path, content);
  });
  return join(dir, RECORDS_DIR);
}
