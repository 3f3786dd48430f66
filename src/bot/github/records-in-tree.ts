import { SUMS_FILE } from '../../evidence/layout.js';
import { RECORDS_DIR } from './plan-records-tree.js';
import type { GitTree } from './read-git-tree.js';

const RECORD_SUMS = new RegExp(`^${RECORDS_DIR}/((?:init/[^/]+)|(?:(?:builds|promotions|revocations|media)/[^/]+/[^/]+))/${SUMS_FILE}$`);

/**
 * The record folders a tree holds under records/, named as the records root
 * names them (`builds/<line>/<ts>`): every folder with a SHA256SUMS.
 *
 * @example
 * recordsInTree(tree) // Set { 'init/20261124T080000Z', 'builds/ubuntu-24.04/20261124T090300Z' }
 */
export function recordsInTree(tree: GitTree): Set<string> {
  const found = new Set<string>();
  for (const path of tree.blobs.keys()) {
    const match = RECORD_SUMS.exec(path);
    if (match) found.add(match[1]!);
  }
  return found;
}
