import { readSigningKey } from './ssh-keys.js';
import type { RecordSigner } from './write-record.js';

/**
 * The signer records are sealed with, from the key file named by `--key`,
 * GOLDSMITH_SIGNING_KEY or `signing.key` in goldsmith.yaml.
 */
export function readSigner(keyPath: string | undefined, identity: string): RecordSigner {
  if (!keyPath) {
    throw new Error('no signing key: pass --key FILE, set GOLDSMITH_SIGNING_KEY, or set signing.key in goldsmith.yaml (create one with "goldsmith keygen --out DIR")');
  }
  return { key: readSigningKey(keyPath), identity };
}
