import { IMAGE_SUMS_FILE } from '../evidence/layout.js';
import type { Run } from '../evidence/run-schema.js';
import type { FileProblem } from './verify-sums.js';

/**
 * Checks a build record's sealed image checksum file against run.json: it is
 * there exactly when run.json's `image.checksum_file` names it, and it lists
 * the SHA-256 run.json gives the image (Packer's checksum post-processor and
 * goldsmith's own hash agree). `bytes` is the file's content, or undefined
 * when the record has none.
 *
 * @example
 * verifyImageSums(run, Buffer.from('3f5a…\tqemu-debian-12-build.qcow2\n')) // [] when they agree
 */
export function verifyImageSums(run: Run, bytes: Buffer | undefined): FileProblem[] {
  const named = run.kind === 'build' && run.image?.checksum_file !== undefined;
  if (bytes === undefined) {
    return named ? [{ file: IMAGE_SUMS_FILE, message: `missing (run.json's image.checksum_file names it)` }] : [];
  }
  if (run.kind !== 'build' || !run.image || run.image.checksum_file !== IMAGE_SUMS_FILE) {
    return [{ file: IMAGE_SUMS_FILE, message: `is not named by run.json's image.checksum_file: a file the writer did not put here` }];
  }
  const listed = bytes
    .toString('utf8')
    .split('\n')
    .map((line) => /^([0-9a-f]{64})\s+\*?(.+?)\s*$/i.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null);
  if (listed.length === 0) return [{ file: IMAGE_SUMS_FILE, message: 'is not in sha256sum format' }];
  if (!listed.some((match) => match[1]!.toLowerCase() === run.image!.sha256)) {
    return [{ file: IMAGE_SUMS_FILE, message: `lists ${listed.map((match) => match[1]).join(', ')}, but run.json's image.sha256 is ${run.image.sha256}` }];
  }
  return [];
}
