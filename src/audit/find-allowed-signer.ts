import type { AllowedSigner } from './parse-allowed-signers.js';
import { matchPatternList } from './match-pattern-list.js';

/**
 * The decision `ssh-keygen -Y verify -f allowed_signers -I identity -n
 * namespace` makes about a signature's key, evaluated at `at` (the record's
 * own signing time, so a key retired since still vouches for what it signed
 * while it was valid). Returns true, or why no line allows the key.
 *
 * @example
 * findAllowedSigner(signers, { identity: 'goldsmith', namespace: 'goldsmith-record', publicBlob, at })
 * // true, or 'key SHA256:… is listed, but not for identity "goldsmith"'
 */
export function findAllowedSigner(
  signers: readonly AllowedSigner[],
  wanted: { identity: string; namespace: string; publicBlob: Buffer; at: Date },
): true | string {
  const sameKey = signers.filter((signer) => signer.publicBlob.equals(wanted.publicBlob));
  if (sameKey.length === 0) return 'is not listed in allowed_signers';
  const forIdentity = sameKey.filter((signer) => matchPatternList(wanted.identity, signer.principals));
  if (forIdentity.length === 0) return `is listed in allowed_signers (${sameKey.map((s) => s.source).join(', ')}), but not for identity "${wanted.identity}"`;
  const inNamespace = forIdentity.filter((signer) => signer.namespaces === undefined || matchPatternList(wanted.namespace, signer.namespaces));
  if (inNamespace.length === 0) return `is listed for "${wanted.identity}", but not for namespace "${wanted.namespace}" (${forIdentity.map((s) => s.source).join(', ')})`;
  const inTime = inNamespace.filter(
    (signer) => (!signer.validAfter || wanted.at >= signer.validAfter) && (!signer.validBefore || wanted.at <= signer.validBefore),
  );
  if (inTime.length === 0) return `is listed for "${wanted.identity}", but was not valid at ${wanted.at.toISOString()} (valid-after/valid-before in ${inNamespace.map((s) => s.source).join(', ')})`;
  return true;
}
