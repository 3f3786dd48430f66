import { sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { SigningKey } from './ssh-keys.js';

/** The payload type of an in-toto Statement in a DSSE envelope. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** A DSSE envelope (secure-systems-lab/dsse, envelope.md), as JSON holds it. */
export const dsseEnvelopeSchema = z.object({
  payloadType: z.string().min(1),
  payload: z.string(),
  signatures: z.array(z.object({ keyid: z.string().optional(), sig: z.string().min(1) })).min(1, 'an envelope with no signature'),
});

export type DsseEnvelope = z.infer<typeof dsseEnvelopeSchema>;

/**
 * DSSE's pre-authentication encoding: what is actually signed, so that the
 * payload type cannot be swapped under a signature.
 *
 * @example
 * preAuthEncoding('application/vnd.in-toto+json', Buffer.from('{}'))
 * // 'DSSEv1 28 application/vnd.in-toto+json 2 {}'
 */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'utf8'), type, Buffer.from(` ${payload.length} `, 'utf8'), payload]);
}

/**
 * Signs `payload` into a one-signature DSSE envelope with the record key
 * (Ed25519); the keyid is the key's SSH fingerprint, the same one
 * run.json's `signer.fingerprint` and `ssh-keygen -l` show.
 *
 * @example
 * const envelope = signDsse(Buffer.from(JSON.stringify(statement)), IN_TOTO_PAYLOAD_TYPE, key);
 */
export function signDsse(payload: Buffer, payloadType: string, key: SigningKey): DsseEnvelope {
  const sig = sign(null, preAuthEncoding(payloadType, payload), key.privateKey);
  return { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: key.fingerprint, sig: sig.toString('base64') }] };
}

/**
 * True when one of the envelope's signatures verifies over its PAE with
 * `publicKey`. Base64 is decoded strictly: a payload that is not exactly
 * what was signed never verifies.
 *
 * @example
 * verifyDsse(envelope, publicKeyFromBlob(parseSshsig(sig).publicBlob)) // true
 */
export function verifyDsse(envelope: DsseEnvelope, publicKey: KeyObject): boolean {
  const payload = Buffer.from(envelope.payload, 'base64');
  if (payload.toString('base64') !== envelope.payload) return false;
  const signed = preAuthEncoding(envelope.payloadType, payload);
  return envelope.signatures.some((signature) => {
    try {
      return verify(null, signed, publicKey, Buffer.from(signature.sig, 'base64'));
    } catch {
      return false;
    }
  });
}
