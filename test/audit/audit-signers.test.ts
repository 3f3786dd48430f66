import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSshsig } from '../../src/evidence/sshsig.js';
import { generateSigningKey } from '../../src/evidence/ssh-keys.js';
import { runCli } from '../helpers/run-cli.js';
import { cloneChain, removeTestChains, overwrite, writeTestChain, type TestChain } from './helpers/tamper.js';

// Signatures: always verified against their embedded key; with --allowed-signers, against the list too.
let template: TestChain;
beforeAll(async () => {
  template = await writeTestChain(['ubuntu-24.04']);
});
afterAll(removeTestChains);

const audit = (chain: TestChain, ...extra: string[]) => runCli(['audit', chain.root, ...extra]);
const publicLine = (chain: TestChain): string => chain.signer.key.publicLine;

function allowedSigners(chain: TestChain, text: string): string {
  const file = join(chain.dir, 'allowed_signers.test');
  writeFileSync(file, text);
  return file;
}

describe('a signature by another key', () => {
  function resignedByStranger(): { chain: TestChain; record: TestChain['all'][number]; fingerprint: string } {
    const chain = cloneChain(template);
    const record = chain.all[1]!;
    const { key } = generateSigningKey('mallory@test');
    const sums = readFileSync(join(record.path, 'SHA256SUMS'));
    overwrite(join(record.path, 'SHA256SUMS.sig'), signSshsig(sums, key));
    return { chain, record, fingerprint: key.fingerprint };
  }

  it('fails without --allowed-signers: run.json names another key', async () => {
    const { chain, record, fingerprint } = resignedByStranger();
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${record.record}: run.json: names the signing key ${chain.signer.key.fingerprint}, but SHA256SUMS.sig was made with ${fingerprint}`);
    expect(exitCode).toBe(1);
  });

  it('fails with --allowed-signers: the key is not listed', async () => {
    const { chain, record, fingerprint } = resignedByStranger();
    const { exitCode, stdout } = await audit(chain, '--allowed-signers', chain.allowedSigners);
    expect(stdout).toContain(`FAIL ${record.record}: SHA256SUMS.sig: signed by key ${fingerprint}, which is not listed in allowed_signers`);
    expect(exitCode).toBe(1);
  });
});

describe('allowed_signers', () => {
  it('accepts comments, blank lines, wildcard principals and other key types', async () => {
    const chain = cloneChain(template);
    const file = allowedSigners(
      chain,
      [
        '# platform team keys',
        '',
        'ops@example.test ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC0 old key',
        `  "gold*,!mallory" namespaces="git,goldsmith-*",valid-after="20260101Z" ${publicLine(chain)}`,
      ].join('\n'),
    );
    const { exitCode, stdout } = await audit(chain, '--allowed-signers', file);
    expect(stdout).toMatch(/: clean$/m);
    expect(exitCode).toBe(0);
  });

  it.each([
    ['another identity', (line: string) => `someone-else ${line}`, 'is listed in allowed_signers (', 'but not for identity "goldsmith"'],
    ['a negated identity', (line: string) => `*,!goldsmith ${line}`, 'is listed in allowed_signers', 'but not for identity "goldsmith"'],
    ['another namespace', (line: string) => `goldsmith namespaces="git" ${line}`, 'is listed for "goldsmith"', 'but not for namespace "goldsmith-record"'],
    ['an expired key', (line: string) => `goldsmith valid-before="20260101Z" ${line}`, 'is listed for "goldsmith"', 'but was not valid at 2026-11-24T08:01:00.000Z'],
  ])('rejects the key listed for %s', async (_, lineFor, ...messages) => {
    const chain = cloneChain(template);
    const file = allowedSigners(chain, `${lineFor(publicLine(chain))}\n`);
    const { exitCode, stdout } = await audit(chain, '--allowed-signers', file);
    for (const message of messages) expect(stdout).toContain(message);
    expect(stdout).toMatch(new RegExp(`^FAIL ${chain.all[1]!.record}: SHA256SUMS.sig: signed by key SHA256:`, 'm'));
    expect(exitCode).toBe(1);
  });

  it('refuses cert-authority with exit 2 and says what to do', async () => {
    const chain = cloneChain(template);
    const file = allowedSigners(chain, `*@example.test cert-authority ${publicLine(chain)}\n`);
    const { exitCode, stderr, stdout } = await audit(chain, '--allowed-signers', file);
    expect(stderr).toContain(`${file}:1 uses cert-authority, which goldsmith audit does not support: list each signing key itself`);
    expect(stdout).toBe('');
    expect(exitCode).toBe(2);
  });

  it.each([
    ['an unknown option', (line: string) => `goldsmith no-touch-required ${line}`, ':1 has an unsupported option "no-touch-required"'],
    ['a line without a key', () => 'goldsmith', ':1 has no key'],
    ['a damaged key', () => 'goldsmith ssh-ed25519 AAAAC3NzaC1yc2EAAAADAQAB', ':1 says "ssh-ed25519" but its key is of type'],
    ['no keys at all', () => '# nothing\n', 'lists no keys'],
  ])('exits 2 on %s', async (_, lineFor, message) => {
    const chain = cloneChain(template);
    const file = allowedSigners(chain, `${lineFor(publicLine(chain))}\n`);
    const { exitCode, stderr } = await audit(chain, '--allowed-signers', file);
    expect(stderr).toContain(message);
    expect(exitCode).toBe(2);
  });

  it('exits 2 when the file is missing', async () => {
    const chain = cloneChain(template);
    const { exitCode, stderr } = await audit(chain, '--allowed-signers', join(chain.dir, 'nope'));
    expect(stderr).toContain(`cannot read --allowed-signers ${join(chain.dir, 'nope')}: ENOENT`);
    expect(exitCode).toBe(2);
  });
});
