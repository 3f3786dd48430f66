import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Credential } from '../config/find-credentials.js';
import { checkPackerProvenance } from './check-packer-provenance.js';
import { findProvenanceSecret } from './find-provenance-secret.js';
import { PACKER_PROVENANCE_FILE } from './layout.js';
import type { BuildDetails } from './run-schema.js';

/** Far above any provenance Packer writes for one build; a larger file is not one. */
export const PACKER_PROVENANCE_MAX_BYTES = 1 << 20;

/**
 * Reads the provenance Packer wrote for a build, for the writer to seal as
 * PACKER_PROVENANCE_FILE: refused (throws, naming the file and the fix) when
 * it is too large, holds a secret (also inside a DSSE payload, which the
 * writer's own scan of the text would miss), is not a Statement or envelope,
 * or names another artifact than the build details (checkPackerProvenance). Returns its text and
 * run.json's `packer_provenance`.
 *
 * @example
 * const sealed = sealPackerProvenance(details, 'state/jobs/7/packer-provenance.json', secrets);
 * sealed.facts.subjects // ['packer-debian-12']
 */
export function sealPackerProvenance(details: BuildDetails, path: string, secrets: readonly Credential[]): { text: string; facts: NonNullable<BuildDetails['packer_provenance']> } {
  const size = statSync(path).size;
  if (size > PACKER_PROVENANCE_MAX_BYTES) throw new Error(`refusing to seal ${path}: ${size} bytes is not Packer's provenance for one build (at most ${PACKER_PROVENANCE_MAX_BYTES})`);
  const text = readFileSync(path, 'utf8');
  const secret = findProvenanceSecret(Buffer.from(text, 'utf8'), secrets);
  if (secret) throw new Error(`refusing to seal: Packer's provenance ${path} holds the value of ${secret}; declare that variable with sensitive = true in the line's template, so Packer redacts it, and rebuild`);
  const checked = checkPackerProvenance(Buffer.from(text, 'utf8'), { image: details.image, artifactId: details.artifact.artifact_id });
  if (!checked.ok) {
    throw new Error(`refusing to seal: Packer's provenance ${path} ${checked.problems.join('; ')}. Check the line's provenance post-processor: it must attest this build's own artifact; rebuild`);
  }
  return { text, facts: { file: PACKER_PROVENANCE_FILE, sha256: createHash('sha256').update(text).digest('hex'), ...checked.facts } };
}
