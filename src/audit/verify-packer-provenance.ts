import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { checkPackerProvenance } from '../evidence/check-packer-provenance.js';
import { PACKER_PROVENANCE_FILE } from '../evidence/layout.js';
import type { Run } from '../evidence/run-schema.js';
import type { FileProblem } from './verify-sums.js';

/**
 * Checks a build record's copy of Packer's own provenance against run.json:
 * it is there exactly when run.json's `packer_provenance` names it, with the
 * SHA-256 run.json gives, and it still names the artifact the record
 * describes (the image by SHA-256, or the artifact id). `bytes` is the
 * file's content, or undefined when the record has none.
 *
 * @example
 * verifyPackerProvenance(run, readFileSync('records/builds/debian-12/20261202T090000Z/packer-provenance.json')) // [] when it agrees
 */
export function verifyPackerProvenance(run: Run, bytes: Buffer | undefined): FileProblem[] {
  const named = run.kind === 'build' ? run.packer_provenance : undefined;
  const problem = (message: string): FileProblem[] => [{ file: PACKER_PROVENANCE_FILE, message }];
  if (bytes === undefined) return named ? problem("missing (run.json's packer_provenance names it)") : [];
  if (run.kind !== 'build' || !named) return problem("is not named by run.json's packer_provenance: a file the writer did not put here");
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== named.sha256) return problem(`has SHA-256 ${sha256}, but run.json's packer_provenance says ${named.sha256}`);
  const checked = checkPackerProvenance(bytes, { image: run.image, artifactId: run.artifact.artifact_id });
  if (!checked.ok) return checked.problems.map((message) => ({ file: PACKER_PROVENANCE_FILE, message }));
  const { file: _file, sha256: _sha256, ...stated } = named;
  if (!isDeepStrictEqual(checked.facts, stated)) return problem(`says ${JSON.stringify(checked.facts)}, but run.json's packer_provenance says ${JSON.stringify(stated)}`);
  return [];
}
