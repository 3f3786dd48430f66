import { writeKeyFiles } from '../evidence/write-key-files.js';
import { SIGNATURE_NAMESPACE } from '../evidence/sshsig.js';

/** `goldsmith keygen --out DIR`: a new signing key pair and its allowed_signers line. */
export function keygenCommand(options: { out: string; identity: string }, stdout: NodeJS.WritableStream): number {
  const files = writeKeyFiles(options.out, options.identity);
  stdout.write(
    [
      `wrote ${files.privateKey} (mode 0600: keep it secret, point GOLDSMITH_SIGNING_KEY or signing.key at it)`,
      `wrote ${files.publicKey}`,
      `wrote ${files.publicKeyPem} (the same public key as PEM, for cosign and other verifiers of provenance.intoto.json)`,
      `wrote ${files.allowedSigners} (give this to assessors; identity "${options.identity}", namespace "${SIGNATURE_NAMESPACE}")`,
      `key fingerprint ${files.fingerprint}`,
      '',
    ].join('\n'),
  );
  return 0;
}
