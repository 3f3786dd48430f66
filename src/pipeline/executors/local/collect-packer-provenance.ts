import { lstatSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Credential } from '../../../config/find-credentials.js';
import { findProvenanceSecret } from '../../../evidence/find-provenance-secret.js';
import { PACKER_PROVENANCE_FILE } from '../../../evidence/layout.js';
import { PACKER_PROVENANCE_MAX_BYTES } from '../../../evidence/seal-packer-provenance.js';

/** The Packer variable a line's provenance post-processor takes its `output_dir` from. */
export const PROVENANCE_DIRECTORY_VARIABLE = 'provenance_directory';

/** Where Packer's provenance post-processor writes for a build whose files go to `outDir`: a fresh folder of its own. */
export function packerProvenanceDirOf(outDir: string): string {
  return join(outDir, 'packer-provenance');
}

/**
 * Takes the provenance Packer's `provenance` post-processor wrote into
 * `packerProvenanceDirOf(outDir)`: exactly one `*.provenance.json` (its
 * sidecar naming), moved to `<outDir>/packer-provenance.json`; the folder,
 * with anything else Packer put there (an SBOM), is removed, so a runner's
 * artifact holds files only. Fails naming the fix when there is none, more
 * than one, one too large, or one holding a credential's value (then it is
 * deleted: a runner would otherwise upload it).
 *
 * @example
 * const taken = collectPackerProvenance('/var/lib/goldsmith/jobs/7', settings.credentials(config.secret_env));
 * if (taken.ok) taken.file; // '/var/lib/goldsmith/jobs/7/packer-provenance.json'
 */
export function collectPackerProvenance(outDir: string, secrets: readonly Credential[]): { ok: true; file: string } | { ok: false; reason: string } {
  const dir = packerProvenanceDirOf(outDir);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.provenance.json'));
  } catch {
    // No folder at all: Packer wrote nothing there, said below.
  }
  try {
    if (names.length !== 1) {
      return {
        ok: false,
        reason:
          names.length === 0
            ? `the line sets packer_provenance, but Packer wrote no *.provenance.json into var.${PROVENANCE_DIRECTORY_VARIABLE}: give the line's template a post-processor "provenance" with output_dir = var.${PROVENANCE_DIRECTORY_VARIABLE} (Packer 1.16 or later), or remove packer_provenance from the line`
            : `Packer wrote ${names.length} provenance files (${names.join(', ')}) for one build: give the line one provenance post-processor and build one source (set "only")`,
      };
    }
    const written = join(dir, names[0]!);
    const stat = lstatSync(written);
    // A link would have goldsmith seal whatever it points at.
    if (!stat.isFile()) return { ok: false, reason: `Packer's provenance ${names[0]} is not a regular file (a link or a folder); refused` };
    const size = stat.size;
    if (size > PACKER_PROVENANCE_MAX_BYTES) return { ok: false, reason: `Packer's provenance ${names[0]} is ${size} bytes, over the ${PACKER_PROVENANCE_MAX_BYTES} one build's provenance can take` };
    const secret = findProvenanceSecret(readFileSync(written), secrets);
    if (secret) {
      return {
        ok: false,
        reason: `Packer's provenance holds the value of ${secret} (Packer records the variables it was given): declare that variable with sensitive = true in the line's template, so Packer redacts it; the file was deleted`,
      };
    }
    const file = join(outDir, PACKER_PROVENANCE_FILE);
    renameSync(written, file);
    return { ok: true, file };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
