import { readSigningKey } from './ssh-keys.js';
import type { RecordSigner } from './write-record.js';

/**
 * The signer records are sealed with, from the key file named by a flag
 * (`flag`, when the command has one), GOLDSMITH_SIGNING_KEY or `signing.key`
 * in goldsmith.yaml. No key at all is missing input: the error exits 2.
 *
 * @example
 * readSigner(config.signing.key, config.signing.identity)
 */
export function readSigner(keyPath: string | undefined, identity: string, flag?: string): RecordSigner {
  if (!keyPath) {
    const message = `no signing key: ${flag ? `pass ${flag} FILE, ` : ''}set GOLDSMITH_SIGNING_KEY, or set signing.key in goldsmith.yaml (create one with "goldsmith keygen --out DIR")`;
    throw Object.assign(new Error(message), { exitCode: 2 });
  }
  return { key: readSigningKey(keyPath), identity };
}
