import { describe, expect, it } from 'vitest';
import { IN_TOTO_PAYLOAD_TYPE, preAuthEncoding, signDsse, verifyDsse } from '../../src/evidence/dsse.js';
import { generateSigningKey, publicKeyFromBlob } from '../../src/evidence/ssh-keys.js';

describe('DSSE', () => {
  it("encodes PAE exactly as the DSSE protocol's own example", () => {
    // secure-systems-lab/dsse, protocol.md: PAE("http://example.com/HelloWorld", "hello world").
    expect(preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('verifies its own envelope, and refuses another payload type, a re-encoded payload or another key', () => {
    const { key } = generateSigningKey('goldsmith@test');
    const envelope = signDsse(Buffer.from('{"_type":"x"}'), IN_TOTO_PAYLOAD_TYPE, key);
    const publicKey = publicKeyFromBlob(key.publicBlob);
    expect(envelope.signatures).toEqual([{ keyid: key.fingerprint, sig: expect.any(String) }]);
    expect(verifyDsse(envelope, publicKey)).toBe(true);
    expect(verifyDsse({ ...envelope, payloadType: 'application/json' }, publicKey)).toBe(false);
    expect(verifyDsse({ ...envelope, payload: `${envelope.payload}\n` }, publicKey)).toBe(false);
    expect(verifyDsse(envelope, publicKeyFromBlob(generateSigningKey('other').key.publicBlob))).toBe(false);
  });
});
