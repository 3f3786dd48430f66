import { createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKey } from './ssh-keys.js';
import { SIGNATURE_NAMESPACE } from './sshsig.js';

export interface KeyFiles {
  privateKey: string;
  publicKey: string;
  /** The public key as PEM (SubjectPublicKeyInfo), for cosign and other verifiers of the records' provenance. */
  publicKeyPem: string;
  allowedSigners: string;
  fingerprint: string;
}

/**
 * Writes a new signing key pair into `dir`: signing.key (mode 0600),
 * signing.pub, signing.pub.pem (the same public key as SubjectPublicKeyInfo
 * PEM, which cosign and other DSSE verifiers read), and the allowed_signers
 * line assessors verify with.
 * Refuses to overwrite an existing key.
 *
 * @example
 * writeKeyFiles('/etc/goldsmith', 'goldsmith');
 */
export function writeKeyFiles(dir: string, identity: string): KeyFiles {
  const files = { privateKey: join(dir, 'signing.key'), publicKey: join(dir, 'signing.pub'), publicKeyPem: join(dir, 'signing.pub.pem'), allowedSigners: join(dir, 'allowed_signers') };
  for (const path of Object.values(files)) {
    if (existsSync(path)) throw new Error(`${path} already exists; goldsmith never overwrites a key. Choose another --out folder or move the old key away first`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { key, privateText } = generateSigningKey(identity);
  writeFileSync(files.privateKey, privateText, { mode: 0o600, flag: 'wx' });
  writeFileSync(files.publicKey, `${key.publicLine}\n`, { flag: 'wx' });
  writeFileSync(files.publicKeyPem, createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' }), { flag: 'wx' });
  writeFileSync(files.allowedSigners, `${identity} namespaces="${SIGNATURE_NAMESPACE}" ${key.publicLine}\n`, { flag: 'wx' });
  return { ...files, fingerprint: key.fingerprint };
}
