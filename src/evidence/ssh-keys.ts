import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encodeSshString, SshReader } from './ssh-wire.js';

const KEY_TYPE = 'ssh-ed25519';
const OPENSSH_MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

/** An Ed25519 key that signs records. */
export interface SigningKey {
  privateKey: KeyObject;
  /** The SSH public key blob (`string "ssh-ed25519" || string key`). */
  publicBlob: Buffer;
  /** `ssh-ed25519 AAAA… comment`, as in an `.pub` file. */
  publicLine: string;
  /** `SHA256:…`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('the signing key must be Ed25519');
  return Buffer.from(jwk.x, 'base64url');
}

/** The SSH public key blob of an Ed25519 public key. */
export function publicBlobOf(raw: Buffer): Buffer {
  return Buffer.concat([encodeSshString(KEY_TYPE), encodeSshString(raw)]);
}

/** `SHA256:<base64 without padding>` of a public key blob, as ssh-keygen prints it. */
export function fingerprintOf(publicBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`;
}

function signingKeyFrom(privateKey: KeyObject, comment: string): SigningKey {
  const publicBlob = publicBlobOf(rawPublicKey(privateKey));
  const publicLine = `${KEY_TYPE} ${publicBlob.toString('base64')}${comment ? ` ${comment}` : ''}`;
  return { privateKey, publicBlob, publicLine, fingerprint: fingerprintOf(publicBlob) };
}

/** The Node key object of a public key blob, for verifying. */
export function publicKeyFromBlob(publicBlob: Buffer): KeyObject {
  const reader = new SshReader(publicBlob, 'the public key');
  const type = reader.text();
  if (type !== KEY_TYPE) throw new Error(`unsupported key type ${type}: goldsmith signs with ${KEY_TYPE}`);
  const raw = reader.string();
  if (raw.length !== 32 || !reader.done) throw new Error('the Ed25519 public key is malformed');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** Parses one `ssh-ed25519 AAAA… [comment]` public key into its blob. */
export function parsePublicKeyLine(line: string): Buffer {
  const [type, base64] = line.trim().split(/\s+/);
  if (type !== KEY_TYPE || !base64) throw new Error(`expected "${KEY_TYPE} AAAA…", got "${line.slice(0, 40)}"`);
  const blob = Buffer.from(base64, 'base64');
  publicKeyFromBlob(blob);
  return blob;
}

/**
 * Encodes an unencrypted OpenSSH private key (`openssh-key-v1`), so that
 * `ssh-keygen -y -f` and `ssh-keygen -Y sign` accept goldsmith's key too.
 */
function encodeOpenSshPrivateKey(privateKey: KeyObject, comment: string): string {
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(String(jwk.d), 'base64url');
  const raw = Buffer.from(String(jwk.x), 'base64url');
  const publicBlob = publicBlobOf(raw);
  const check = randomBytes(4);
  let section = Buffer.concat([
    check,
    check,
    encodeSshString(KEY_TYPE),
    encodeSshString(raw),
    encodeSshString(Buffer.concat([seed, raw])),
    encodeSshString(comment),
  ]);
  const padding = Buffer.from(Array.from({ length: (8 - (section.length % 8)) % 8 }, (_, i) => i + 1));
  section = Buffer.concat([section, padding]);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const body = Buffer.concat([
    OPENSSH_MAGIC,
    encodeSshString('none'),
    encodeSshString('none'),
    encodeSshString(''),
    count,
    encodeSshString(publicBlob),
    encodeSshString(section),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

function decodeOpenSshPrivateKey(text: string, source: string): SigningKey {
  const base64 = text.replace(/-----(BEGIN|END) OPENSSH PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  const body = Buffer.from(base64, 'base64');
  if (!body.subarray(0, OPENSSH_MAGIC.length).equals(OPENSSH_MAGIC)) throw new Error(`${source} is not an OpenSSH private key`);
  const reader = new SshReader(body.subarray(OPENSSH_MAGIC.length), source);
  const cipher = reader.text();
  reader.text();
  reader.string();
  if (cipher !== 'none') {
    throw new Error(`${source} is encrypted with a passphrase; goldsmith needs an unencrypted key (ssh-keygen -p -N "" -f ${source}), kept with mode 0600`);
  }
  if (reader.uint32() !== 1) throw new Error(`${source} must hold exactly one key`);
  reader.string();
  const section = new SshReader(reader.string(), source);
  if (!section.bytes(4).equals(section.bytes(4))) throw new Error(`${source} is corrupt (check bytes differ)`);
  const type = section.text();
  if (type !== KEY_TYPE) throw new Error(`${source} holds a ${type} key; goldsmith signs with Ed25519 (ssh-keygen -t ed25519)`);
  const raw = section.string();
  const secret = section.string();
  const comment = section.text();
  const privateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: secret.subarray(0, 32).toString('base64url'), x: raw.toString('base64url') },
    format: 'jwk',
  });
  return signingKeyFrom(privateKey, comment);
}

/**
 * Generates a new Ed25519 signing key.
 *
 * @example
 * const { key, privateText } = generateSigningKey('goldsmith@ci');
 * writeFileSync('signing.key', privateText, { mode: 0o600 });
 */
export function generateSigningKey(comment: string): { key: SigningKey; privateText: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { key: signingKeyFrom(privateKey, comment), privateText: encodeOpenSshPrivateKey(privateKey, comment) };
}

/**
 * Reads a signing key from an OpenSSH (`ssh-keygen -t ed25519`) or PKCS#8 PEM file.
 * Errors name the file and the fix; they never include key material.
 */
export function readSigningKey(path: string): SigningKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the signing key ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; create one with "goldsmith keygen --out DIR"`);
  }
  if (text.includes('BEGIN OPENSSH PRIVATE KEY')) return decodeOpenSshPrivateKey(text, path);
  if (text.includes('BEGIN PRIVATE KEY')) {
    const privateKey = createPrivateKey(text);
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 key; create one with "goldsmith keygen --out DIR"`);
    return signingKeyFrom(privateKey, '');
  }
  throw new Error(`${path} is not a private key in OpenSSH or PKCS#8 PEM form; create one with "goldsmith keygen --out DIR"`);
}
