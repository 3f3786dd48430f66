import { RUN_FILE, SIGNATURE_FILE } from '../evidence/layout.js';
import type { Run } from '../evidence/run-schema.js';
import { fingerprintOf } from '../evidence/ssh-keys.js';
import { SIGNATURE_NAMESPACE, parseSshsig, verifySshsig } from '../evidence/sshsig.js';
import { findAllowedSigner } from './find-allowed-signer.js';
import type { AllowedSigner } from './parse-allowed-signers.js';
import type { FileProblem } from './verify-sums.js';

/**
 * Verifies SHA256SUMS.sig over SHA256SUMS: always cryptographically against
 * the key embedded in the signature and against the key run.json names;
 * with `allowed`, also that allowed_signers lists that key for run.json's
 * signer identity in the goldsmith-record namespace (what `ssh-keygen -Y
 * verify` decides).
 *
 * @example
 * verifySignature({ sums, signature, run, allowed: undefined }) // [] when it verifies
 */
export function verifySignature(input: {
  sums: Buffer;
  signature: Buffer;
  run: Run | undefined;
  allowed: readonly AllowedSigner[] | undefined;
}): FileProblem[] {
  const problem = (message: string, file = SIGNATURE_FILE): FileProblem => ({ file, message });
  let parsed;
  try {
    parsed = parseSshsig(input.signature.toString('utf8'));
  } catch (error) {
    return [problem(`is not a valid SSH signature: ${(error as Error).message}`)];
  }
  const fingerprint = fingerprintOf(parsed.publicBlob);
  if (parsed.namespace !== SIGNATURE_NAMESPACE) return [problem(`was made in namespace "${parsed.namespace}", not "${SIGNATURE_NAMESPACE}"`)];
  if (!verifySshsig(input.sums, parsed)) {
    return [problem(`does not verify over SHA256SUMS with its key ${fingerprint} (SHA256SUMS changed after signing, or the signature is damaged)`)];
  }
  const problems: FileProblem[] = [];
  const { run } = input;
  if (run && run.signer.fingerprint !== fingerprint) {
    problems.push(problem(`names the signing key ${run.signer.fingerprint}, but SHA256SUMS.sig was made with ${fingerprint}`, RUN_FILE));
  }
  if (run && run.signer.namespace !== SIGNATURE_NAMESPACE) {
    problems.push(problem(`names the signature namespace "${run.signer.namespace}", but records are signed in "${SIGNATURE_NAMESPACE}"`, RUN_FILE));
  }
  if (input.allowed) {
    if (!run) return [...problems, problem('cannot be checked against allowed_signers: run.json names no valid signer identity')];
    const verdict = findAllowedSigner(input.allowed, {
      identity: run.signer.identity,
      namespace: SIGNATURE_NAMESPACE,
      publicBlob: parsed.publicBlob,
      at: new Date(run.written_at),
    });
    if (verdict !== true) problems.push(problem(`signed by key ${fingerprint}, which ${verdict}`));
  }
  return problems;
}
