import { createHash, sign, verify } from 'node:crypto';
import { publicKeyFromBlob, type SigningKey } from './ssh-keys.js';
import { encodeSshString, SshReader } from './ssh-wire.js';

// PROTOCOL.sshsig: the magic preamble, version 1, and the hash signed over.
const MAGIC = Buffer.from('SSHSIG', 'latin1');
const VERSION = 1;
const HASH_ALGORITHM = 'sha512';
const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';

/** The namespace every goldsmith record signature is made in (`ssh-keygen -n`). */
export const SIGNATURE_NAMESPACE = 'goldsmith-record';

/** A decoded SSHSIG signature. */
export interface SshSignature {
  publicBlob: Buffer;
  namespace: string;
  hashAlgorithm: string;
  /** The raw Ed25519 signature. */
  signature: Buffer;
}

function signedData(message: Buffer, namespace: string, hashAlgorithm: string): Buffer {
  const digest = createHash(hashAlgorithm).update(message).digest();
  return Buffer.concat([
    MAGIC,
    encodeSshString(namespace),
    encodeSshString(''),
    encodeSshString(hashAlgorithm),
    encodeSshString(digest),
  ]);
}

/**
 * Signs `message` as `ssh-keygen -Y sign -n <namespace>` would, returning the armored signature.
 *
 * @example
 * writeFileSync('SHA256SUMS.sig', signSshsig(sums, key));
 * // ssh-keygen -Y verify -f allowed_signers -I goldsmith -n goldsmith-record -s SHA256SUMS.sig < SHA256SUMS
 */
export function signSshsig(message: Buffer, key: SigningKey, namespace = SIGNATURE_NAMESPACE): string {
  const raw = sign(null, signedData(message, namespace, HASH_ALGORITHM), key.privateKey);
  const version = Buffer.alloc(4);
  version.writeUInt32BE(VERSION);
  const blob = Buffer.concat([
    MAGIC,
    version,
    encodeSshString(key.publicBlob),
    encodeSshString(namespace),
    encodeSshString(''),
    encodeSshString(HASH_ALGORITHM),
    encodeSshString(Buffer.concat([encodeSshString('ssh-ed25519'), encodeSshString(raw)])),
  ]);
  const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
  return `${BEGIN}\n${lines.join('\n')}\n${END}\n`;
}

/** Decodes an armored SSHSIG signature; throws with the reason when it is malformed. */
export function parseSshsig(armored: string): SshSignature {
  const text = armored.trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) throw new Error('not an SSH signature (armor lines missing)');
  const blob = Buffer.from(text.slice(BEGIN.length, -END.length).replace(/\s+/g, ''), 'base64');
  const reader = new SshReader(blob, 'the signature');
  if (!reader.bytes(MAGIC.length).equals(MAGIC)) throw new Error('not an SSHSIG signature (bad magic)');
  const version = reader.uint32();
  if (version !== VERSION) throw new Error(`unsupported SSHSIG version ${version}`);
  const publicBlob = reader.string();
  const namespace = reader.text();
  reader.string();
  const hashAlgorithm = reader.text();
  const inner = new SshReader(reader.string(), 'the signature');
  const type = inner.text();
  if (type !== 'ssh-ed25519') throw new Error(`unsupported signature type ${type}`);
  const signature = inner.string();
  if (!reader.done || !inner.done) throw new Error('the signature has trailing bytes');
  if (hashAlgorithm !== 'sha512' && hashAlgorithm !== 'sha256') throw new Error(`unsupported hash ${hashAlgorithm}`);
  return { publicBlob, namespace, hashAlgorithm, signature };
}

/** True when `signature` is a valid signature of `message` by its embedded key in `namespace`. */
export function verifySshsig(message: Buffer, signature: SshSignature, namespace = SIGNATURE_NAMESPACE): boolean {
  if (signature.namespace !== namespace) return false;
  try {
    return verify(null, signedData(message, namespace, signature.hashAlgorithm), publicKeyFromBlob(signature.publicBlob), signature.signature);
  } catch {
    return false;
  }
}
