import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { cloneChain, removeTestChains, edit, flipByte, overwrite, reseal, truncate, writeTestChain, type TestChain } from './helpers/tamper.js';

// Tampering with the files of single records: each case must fail, naming the record and the file.
let template: TestChain;
beforeAll(async () => {
  template = await writeTestChain();
});
afterAll(removeTestChains);

const audit = (chain: TestChain, ...extra: string[]) => runCli(['audit', chain.root, ...extra]);

describe('goldsmith audit on intact records', () => {
  it('exits 0 and says clean, noting that signers were not checked against a list', async () => {
    const { exitCode, stdout } = await audit(cloneChain(template));
    expect(stdout).toMatch(/^audited 7 records \(1 init, 3 builds, 3 promotions\): clean$/m);
    expect(stdout).toMatch(/^NOTE signatures were verified .* not checked against an allowed list/m);
    expect(stdout).not.toMatch(/^FAIL/m);
    expect(exitCode).toBe(0);
  });

  it('exits 0 with --allowed-signers and drops the note', async () => {
    const chain = cloneChain(template);
    const { exitCode, stdout } = await audit(chain, '--allowed-signers', chain.allowedSigners);
    expect(stdout).toBe('audited 7 records (1 init, 3 builds, 3 promotions): clean');
    expect(exitCode).toBe(0);
  });

  it('allows README.md and .gitignore at the root and ignores writer scratch, noting leftovers', async () => {
    const chain = cloneChain(template);
    writeFileSync(join(chain.root, 'README.md'), '# records\n');
    writeFileSync(join(chain.root, '.gitignore'), '.lock\n');
    mkdirSync(join(chain.root, 'builds/debian-12/.tmp-999999-abcdef'));
    writeFileSync(join(chain.root, '.0a1b2c.swap'), 'x');
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toMatch(/^NOTE builds\/debian-12: \.tmp-999999-abcdef: left by a write in progress/m);
    expect(stdout).toMatch(/: clean$/m);
    expect(exitCode).toBe(0);
  });
});

// records: all[0] init, 1 build ubuntu, 2 promotion ubuntu, 3 build debian, 4 promotion debian, 5 build ubuntu, 6 promotion ubuntu (tip)
const FILES: Array<[index: number, file: string]> = [
  [3, 'packer.log'],
  [3, 'run.json'],
  [3, 'README.md'],
  [3, 'PREV'],
  [4, 'promote.log'],
  [0, 'run.json'],
  [6, 'promote.log'],
];

describe('a flipped byte or a truncation', () => {
  it.each(FILES)('in record %i\'s %s is a finding naming the record and the file', async (index, file) => {
    for (const tamper of [flipByte, truncate]) {
      const chain = cloneChain(template);
      const record = chain.all[index]!;
      tamper(join(record.path, file));
      const { exitCode, stdout } = await audit(chain);
      expect(stdout).toContain(`FAIL ${record.record}: ${file}: SHA-256 does not match SHA256SUMS (edited or truncated`);
      expect(exitCode).toBe(1);
    }
  });

  it('in a log says how its size differs from run.json', async () => {
    const chain = cloneChain(template);
    const record = chain.all[3]!;
    truncate(join(record.path, 'packer.log'), 100);
    const { stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${record.record}: packer.log: SHA-256 does not match SHA256SUMS (edited or truncated: 100 bytes, run.json says 8192)`);
    expect(stdout).toMatch(/: 1 finding in 1 record$/m);
  });

  it('in SHA256SUMS breaks the record, its signature and the next PREV', async () => {
    const chain = cloneChain(template);
    const [record, next] = [chain.all[3]!, chain.all[4]!];
    flipByte(join(record.path, 'SHA256SUMS'), 3);
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${record.record}: SHA256SUMS.sig: does not verify over SHA256SUMS`);
    expect(stdout).toContain(`FAIL ${next.record}: PREV: ${record.record}/SHA256SUMS has changed since this record was written`);
    expect(exitCode).toBe(1);
  });

  it('in SHA256SUMS.sig is a finding on the signature', async () => {
    const chain = cloneChain(template);
    const record = chain.all[2]!;
    edit(join(record.path, 'SHA256SUMS.sig'), (text) => text.replace(/\n(.)/, (_, c: string) => `\n${c === 'A' ? 'B' : 'A'}`));
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toMatch(new RegExp(`^FAIL ${record.record}: SHA256SUMS.sig: `, 'm'));
    expect(exitCode).toBe(1);
  });
});

describe('edited records', () => {
  it('a README stating another log size fails on its hash and its disagreement with run.json', async () => {
    const chain = cloneChain(template);
    const record = chain.all[5]!;
    edit(join(record.path, 'README.md'), (text) => text.replace('is 8192 bytes long', 'is 8000 bytes long'));
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${record.record}: README.md: SHA-256 does not match SHA256SUMS`);
    expect(stdout).toContain(`FAIL ${record.record}: README.md: disagrees with run.json about the log: states 8000 bytes (run.json: 8192)`);
    expect(exitCode).toBe(1);
  });

  it('run.json rewritten with SHA256SUMS re-hashed (not re-signed) fails the signature and the next PREV', async () => {
    const chain = cloneChain(template);
    const [record, next] = [chain.all[3]!, chain.all[4]!];
    edit(join(record.path, 'run.json'), (text) => text.replace('"alice"', '"mallory"'));
    reseal(record, null);
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).not.toContain(`${record.record}: run.json: SHA-256`);
    expect(stdout).toContain(`FAIL ${record.record}: SHA256SUMS.sig: does not verify over SHA256SUMS`);
    expect(stdout).toContain(`FAIL ${next.record}: PREV: ${record.record}/SHA256SUMS has changed since this record was written`);
    expect(exitCode).toBe(1);
  });

  it('a log replaced with SHA256SUMS re-hashed and re-signed by the key holder still disagrees with run.json, README and the next PREV', async () => {
    const chain = cloneChain(template);
    const [record, next] = [chain.all[3]!, chain.all[4]!];
    overwrite(join(record.path, 'packer.log'), 'nothing to see here\n');
    reseal(record, chain.signer.key);
    const { exitCode, stdout } = await audit(chain, '--allowed-signers', chain.allowedSigners);
    expect(stdout).toContain(`FAIL ${record.record}: run.json: log.sha256 and log.size (8192 bytes) do not describe packer.log as it is (20 bytes)`);
    expect(stdout).toContain(`FAIL ${record.record}: SHA256SUMS: rewritten after the next record (${next.record}) was sealed`);
    expect(stdout).toContain(`FAIL ${next.record}: PREV: ${record.record}/SHA256SUMS has changed`);
    expect(stdout).toContain(`FAIL ${next.record}: run.json: was approved for ${record.record} with SHA256SUMS SHA-256`);
    expect(exitCode).toBe(1);
  });

  it("the tip's SHA256SUMS rewritten and re-signed is caught by HEAD's digest", async () => {
    const chain = cloneChain(template);
    const tip = chain.all.at(-1)!;
    overwrite(join(tip.path, 'promote.log'), 'rewritten\n');
    reseal(tip, chain.signer.key);
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL HEAD: ${tip.record}/SHA256SUMS has changed since HEAD was moved to it`);
    expect(stdout).toContain(`FAIL ${tip.record}: SHA256SUMS: does not have the SHA-256 HEAD recorded when this record was sealed`);
    expect(exitCode).toBe(1);
  });
});

describe('missing, extra and linked files', () => {
  it('a missing file is named', async () => {
    for (const file of ['README.md', 'SHA256SUMS.sig', 'packer.log', 'SHA256SUMS', 'PREV', 'run.json']) {
      const chain = cloneChain(template);
      const record = chain.all[1]!;
      rmSync(join(record.path, file));
      const { exitCode, stdout } = await audit(chain);
      expect(stdout, file).toContain(`FAIL ${record.record}: ${file}: missing`);
      expect(exitCode).toBe(1);
    }
  });

  it('an extra file or folder is named', async () => {
    const chain = cloneChain(template);
    const record = chain.all[2]!;
    writeFileSync(join(record.path, 'notes.txt'), 'hi');
    mkdirSync(join(record.path, 'extra'));
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${record.record}: notes.txt: unexpected entry (a file)`);
    expect(stdout).toContain(`FAIL ${record.record}: extra: unexpected entry (a directory)`);
    expect(stdout).toMatch(/: 2 findings in 1 record$/m);
    expect(exitCode).toBe(1);
  });

  it('a log replaced by a link is reported and not followed', async () => {
    const chain = cloneChain(template);
    const record = chain.all[5]!;
    rmSync(join(record.path, 'packer.log'));
    symlinkSync('/etc/passwd', join(record.path, 'packer.log'));
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${record.record}: packer.log: is a symbolic link (not followed), not a file`);
    expect(exitCode).toBe(1);
  });

  it('an unexpected entry at the root or in a line folder is a finding, its name escaped', async () => {
    const chain = cloneChain(template);
    writeFileSync(join(chain.root, 'evil\nFAIL nothing'), '');
    mkdirSync(join(chain.root, 'builds/ubuntu-24.04/backup'));
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain('FAIL "evil\\nFAIL nothing": unexpected entry (a file)');
    expect(stdout).toContain('FAIL builds/ubuntu-24.04: backup: unexpected entry (a directory)');
    expect(stdout).not.toMatch(/^FAIL nothing/m);
    expect(exitCode).toBe(1);
  });
});
