import { describe, expect, it } from 'vitest';
import { AuditInputError } from '../../src/audit/audit-input-error.js';
import { findAllowedSigner } from '../../src/audit/find-allowed-signer.js';
import { parseAllowedSigners } from '../../src/audit/parse-allowed-signers.js';
import { generateSigningKey } from '../../src/evidence/ssh-keys.js';

const { key } = generateSigningKey('goldsmith@test');
const other = generateSigningKey('other@test').key;
const at = new Date('2026-11-24T08:00:00Z');

describe('parseAllowedSigners', () => {
  it('reads principals, options (quoted, with commas and spaces) and the key, skipping comments', () => {
    const [signer, ...rest] = parseAllowedSigners(
      `# keys\n\n  "ops team,goldsmith" namespaces="goldsmith-record,git",valid-after="20260101",valid-before="202701011200Z" ${key.publicLine}\n`,
      'allowed_signers',
    );
    expect(rest).toEqual([]);
    expect(signer).toEqual(
      expect.objectContaining({
        source: 'allowed_signers:3',
        principals: 'ops team,goldsmith',
        namespaces: 'goldsmith-record,git',
        validBefore: new Date('2027-01-01T12:00:00Z'),
        keyType: 'ssh-ed25519',
      }),
    );
    expect(signer!.validAfter).toEqual(new Date(2026, 0, 1));
    expect(signer!.publicBlob.equals(key.publicBlob)).toBe(true);
  });

  it.each([
    [`* cert-authority ${key.publicLine}`, 'f:1 uses cert-authority'],
    [`goldsmith namespaces="x ${key.publicLine}`, 'f:1 has an unterminated quote'],
    [`goldsmith valid-after="2026" ${key.publicLine}`, 'valid-after="2026" is not YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]'],
    ['goldsmith ssh-ed25519 !!!', 'f:1 has no base64 key after "ssh-ed25519"'],
    ['goldsmith ssh-foo AAAA', 'f:1 has an unsupported option "ssh-foo"'],
    [`goldsmith namespaces="x" valid-after="20260101" ${key.publicLine}`, 'f:1 has options separated by a space at "valid-after=\"20260101\""; separate options with commas only'],
    ['', 'f lists no keys'],
  ])('refuses %j', (text, message) => {
    expect(() => parseAllowedSigners(text, 'f')).toThrow(AuditInputError);
    expect(() => parseAllowedSigners(text, 'f')).toThrow(message);
  });
});

describe('findAllowedSigner', () => {
  const signers = parseAllowedSigners(`goldsmith namespaces="goldsmith-record",valid-before="20270101Z" ${key.publicLine}\nci@* ${other.publicLine}\n`, 'a');
  const wanted = { identity: 'goldsmith', namespace: 'goldsmith-record', publicBlob: key.publicBlob, at };

  it('allows the listed key for its identity and namespace while valid', () => {
    expect(findAllowedSigner(signers, wanted)).toBe(true);
    expect(findAllowedSigner(signers, { ...wanted, identity: 'ci@example.test', publicBlob: other.publicBlob })).toBe(true);
  });

  it('says why a key is refused', () => {
    expect(findAllowedSigner(signers, { ...wanted, publicBlob: generateSigningKey('x').key.publicBlob })).toBe('is not listed in allowed_signers');
    expect(findAllowedSigner(signers, { ...wanted, publicBlob: other.publicBlob })).toBe('is listed in allowed_signers (a:2), but not for identity "goldsmith"');
    expect(findAllowedSigner(signers, { ...wanted, namespace: 'git' })).toBe('is listed for "goldsmith", but not for namespace "git" (a:1)');
    expect(findAllowedSigner(signers, { ...wanted, at: new Date('2027-02-01T00:00:00Z') })).toMatch(/^is listed for "goldsmith", but was not valid at 2027-02-01/);
  });
});
