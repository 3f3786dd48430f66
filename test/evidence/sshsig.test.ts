import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, readSigningKey } from '../../src/evidence/ssh-keys.js';
import { parseSshsig, signSshsig, SIGNATURE_NAMESPACE, verifySshsig } from '../../src/evidence/sshsig.js';
import { makeTempDir } from '../helpers/write-chain.js';

function allowedSigners(dir: string, publicLine: string, identity = 'goldsmith'): string {
  const path = join(dir, 'allowed_signers');
  writeFileSync(path, `${identity} namespaces="${SIGNATURE_NAMESPACE}" ${publicLine}\n`);
  return path;
}

async function sshVerify(dir: string, allowed: string, message: string, signature: string, namespace = SIGNATURE_NAMESPACE) {
  writeFileSync(join(dir, 'msg'), message);
  writeFileSync(join(dir, 'msg.sig'), signature);
  return execa('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', 'goldsmith', '-n', namespace, '-s', join(dir, 'msg.sig')], {
    inputFile: join(dir, 'msg'),
    reject: false,
  });
}

describe('SSHSIG signatures', () => {
  it('are accepted by the real ssh-keygen -Y verify', async () => {
    const dir = makeTempDir();
    const { key } = generateSigningKey('goldsmith@test');
    const result = await sshVerify(dir, allowedSigners(dir, key.publicLine), 'abc  run.json\n', signSshsig(Buffer.from('abc  run.json\n'), key));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Good "${SIGNATURE_NAMESPACE}" signature for goldsmith`);
  });

  it('are rejected by ssh-keygen for a changed message or another namespace', async () => {
    const dir = makeTempDir();
    const { key } = generateSigningKey('goldsmith@test');
    const allowed = allowedSigners(dir, key.publicLine);
    const signature = signSshsig(Buffer.from('original\n'), key);
    expect((await sshVerify(dir, allowed, 'originaL\n', signature)).exitCode).not.toBe(0);
    expect((await sshVerify(dir, allowed, 'original\n', signature, 'file')).exitCode).not.toBe(0);
  });

  it('verify signatures that ssh-keygen -Y sign made with a key ssh-keygen generated', async () => {
    const dir = makeTempDir();
    const keyFile = join(dir, 'id_ed25519');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ops@example', '-f', keyFile]);
    writeFileSync(join(dir, 'msg'), 'hello\n');
    await execa('ssh-keygen', ['-Y', 'sign', '-f', keyFile, '-n', SIGNATURE_NAMESPACE, join(dir, 'msg')]);
    const { readFileSync } = await import('node:fs');
    const parsed = parseSshsig(readFileSync(join(dir, 'msg.sig'), 'utf8'));
    expect(verifySshsig(Buffer.from('hello\n'), parsed)).toBe(true);
    expect(verifySshsig(Buffer.from('hello!\n'), parsed)).toBe(false);
    expect(readSigningKey(keyFile).fingerprint).toBe((await execa('ssh-keygen', ['-l', '-f', `${keyFile}.pub`])).stdout.split(' ')[1]);
  });

  it('writes private keys that ssh-keygen can read back', async () => {
    const dir = makeTempDir();
    const { key, privateText } = generateSigningKey('goldsmith@test');
    writeFileSync(join(dir, 'k'), privateText, { mode: 0o600 });
    const derived = await execa('ssh-keygen', ['-y', '-f', join(dir, 'k')]);
    expect(derived.stdout.trim()).toBe(key.publicLine);
  });

  it('refuses a passphrase-protected key with the fix', async () => {
    const dir = makeTempDir();
    const keyFile = join(dir, 'locked');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pass phrase', '-f', keyFile]);
    expect(() => readSigningKey(keyFile)).toThrow(/encrypted with a passphrase.*ssh-keygen -p/);
  });
});
