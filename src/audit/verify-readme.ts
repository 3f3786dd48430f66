import { README_FILE } from '../evidence/layout.js';
import { imageSentence, mediaSentence, packerProvenanceSentence, revocationSentence } from '../evidence/render-readme.js';
import type { Run } from '../evidence/run-schema.js';
import { quoteName } from './quote-name.js';
import type { FileProblem } from './verify-sums.js';

/** The sentence render-readme.ts writes: "`packer.log` has SHA-256 `…` and is 123 bytes long." */
const LOG_SENTENCE = /`([^`\n]+)` has SHA-256 `([0-9a-f]{64})` and is (\d+) bytes long/;

/**
 * Checks that README.md states the log's name, SHA-256 and size as run.json
 * does: an assessor reads the README, so it must not tell a different story.
 *
 * @example
 * verifyReadme(readmeText, run) // [] when it agrees
 */
export function verifyReadme(text: string, run: Run): FileProblem[] {
  if (run.kind === 'init') return [];
  // A revocation has no log: its README must name the build and the verdict as run.json does.
  if (run.kind === 'revocation') {
    return text.includes(revocationSentence(run)) ? [] : [{ file: README_FILE, message: `does not state the revocation as run.json does (${run.action} ${run.build.record})` }];
  }
  // A media record has no log: its README must state the ISO as run.json does.
  if (run.kind === 'media') {
    return text.includes(mediaSentence(run)) ? [] : [{ file: README_FILE, message: `does not state the ISO as run.json does (${run.iso.file}, SHA-256 ${run.iso.sha256}, ${run.iso.size} bytes, ${run.datastore_path})` }];
  }
  const match = LOG_SENTENCE.exec(text);
  if (!match) return [{ file: README_FILE, message: "does not state the log's SHA-256 and size" }];
  const [, path, sha256, size] = match;
  const differences: string[] = [];
  if (path !== run.log.path) differences.push(`names the log ${quoteName(path!)} (run.json: ${quoteName(run.log.path)})`);
  if (sha256 !== run.log.sha256) differences.push(`states SHA-256 ${sha256} (run.json: ${run.log.sha256})`);
  if (Number(size) !== run.log.size) differences.push(`states ${size} bytes (run.json: ${run.log.size})`);
  const problems: FileProblem[] = differences.length === 0 ? [] : [{ file: README_FILE, message: `disagrees with run.json about the log: ${differences.join(', ')}` }];
  // The image a QEMU build record names: the README must state it as run.json does.
  if (run.kind === 'build' && run.image && !text.includes(imageSentence(run.image))) {
    problems.push({ file: README_FILE, message: `does not state the image as run.json does (${run.image.file}, SHA-256 ${run.image.sha256})` });
  }
  if (run.kind === 'build' && run.packer_provenance && !text.includes(packerProvenanceSentence(run.packer_provenance))) {
    problems.push({ file: README_FILE, message: `does not state Packer's provenance as run.json does (${run.packer_provenance.file}, SHA-256 ${run.packer_provenance.sha256})` });
  }
  // The CI run a build record says it was built by: an assessor follows the README's link.
  if (run.kind === 'build' && run.executor?.kind === 'github-actions' && !text.includes(run.executor.run_url)) {
    problems.push({ file: README_FILE, message: `does not name the GitHub Actions run run.json names (${run.executor.run_url})` });
  }
  return problems;
}
