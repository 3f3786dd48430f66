import { execa } from 'execa';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HASH_CHUNK_BYTES } from '../../src/evidence/hash-file.js';
import { writeRecord } from '../../src/evidence/write-record.js';
import { runCli } from '../helpers/run-cli.js';
import { buildDetails, makeSigner, makeTempDir, writeChain } from '../helpers/write-chain.js';

const FIXED_NOW = () => new Date('2026-11-24T09:03:00Z');

describe('writeRecord', () => {
  it('starts the chain with an init record, then seals the build with PREV, latest and HEAD', async () => {
    const { root, records } = await writeChain({ lines: ['ubuntu-24.04'] });
    const [build] = records;
    const init = readdirSync(join(root, 'init'));
    expect(init).toHaveLength(1);
    expect(readFileSync(join(root, 'init', init[0]!, 'PREV'), 'utf8')).toBe('genesis\n');
    expect(build!.seq).toBe(1);
    expect(readdirSync(build!.path).sort()).toEqual(['PREV', 'README.md', 'SHA256SUMS', 'SHA256SUMS.sig', 'packer.log', 'provenance.intoto.json', 'run.json']);
    expect(readlinkSync(join(root, 'builds/ubuntu-24.04/latest'))).toBe(build!.ts);
    expect(readFileSync(join(root, 'HEAD'), 'utf8')).toBe(`${build!.sumsSha256}  ${build!.record}/SHA256SUMS\n`);
    expect(statSync(join(build!.path, 'packer.log')).mode & 0o222).toBe(0);
    const run = JSON.parse(readFileSync(join(build!.path, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ schema: 'goldsmith.run/v1', seq: 1, kind: 'build', line: 'ubuntu-24.04', record: build!.record });
    expect(readFileSync(join(build!.path, 'README.md'), 'utf8')).toContain(`has SHA-256 \`${build!.log!.sha256}\` and is ${build!.log!.size} bytes long`);
  });

  it('writes records that sha256sum -c accepts, with PREV checkable from inside the record', async () => {
    const { records } = await writeChain({ lines: ['ubuntu-24.04', 'debian-12'], promote: true });
    for (const record of records) {
      expect((await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: record.path })).exitCode).toBe(0);
      expect((await execa('sha256sum', ['-c', 'PREV'], { cwd: record.path })).stdout).toMatch(/SHA256SUMS: OK$/);
    }
    expect(records.map((record) => record.seq)).toEqual([1, 2, 3, 4]);
  });

  it('gives two records of a line sealed in the same second distinct folders', async () => {
    const dir = makeTempDir();
    const { signer } = makeSigner(dir);
    writeFileSync(join(dir, 'log'), 'ok\n');
    const write = () => writeRecord({ root: join(dir, 'records'), signer, now: FIXED_NOW, content: { kind: 'build', details: buildDetails('rocky-9'), log: join(dir, 'log') } });
    const first = await write();
    const second = await write();
    expect(first.ts).toBe('20261124T090300Z');
    expect(second.ts).toBe('20261124T090301Z');
    expect(readFileSync(join(first.path, 'run.json'), 'utf8')).toContain('"seq": 1');
  });

  it('refuses to seal a log holding a secret, even split across two chunks, and leaves no trace', async () => {
    const dir = makeTempDir();
    const { signer } = makeSigner(dir);
    const root = join(dir, 'records');
    const secret = 'Sup3r-Secret-Passw0rd';
    const log = join(dir, 'packer.log');
    writeFileSync(log, Buffer.concat([Buffer.alloc(HASH_CHUNK_BYTES - 7, 'x'), Buffer.from(secret), Buffer.from('\n')]));
    await expect(
      writeRecord({ root, signer, secrets: [{ name: 'UNUSED_TOKEN', value: 'unused-token' }, { name: 'PKR_VAR_vsphere_password', value: secret }], content: { kind: 'build', details: buildDetails('ubuntu-24.04'), log } }),
    ).rejects.toThrow(`refusing to seal: packer.log (from ${log}) contains a secret value (the value of PKR_VAR_vsphere_password)`);
    expect(existsSync(join(root, 'builds/ubuntu-24.04')) ? readdirSync(join(root, 'builds/ubuntu-24.04')) : []).toEqual([]);
    expect(existsSync(join(root, 'HEAD'))).toBe(false);
  });

  it('refuses a secret in the record details, naming run.json', async () => {
    const dir = makeTempDir();
    const { signer } = makeSigner(dir);
    writeFileSync(join(dir, 'log'), 'clean\n');
    const details = buildDetails('ubuntu-24.04', { requested_by: { source: 'cli', user: 'token-abc123' } });
    await expect(
      writeRecord({ root: join(dir, 'records'), signer, secrets: [{ name: 'API_TOKEN', value: 'token-abc123' }], content: { kind: 'build', details, log: join(dir, 'log') } }),
    ).rejects.toThrow(/refusing to seal: (run\.json|README\.md) would contain a secret value \(the value of API_TOKEN\)/);
  });

  it('refuses to start a second chain beside records whose HEAD is gone', async () => {
    const { root, signer } = await writeChain({ lines: ['ubuntu-24.04'] });
    rmSync(join(root, 'HEAD'));
    writeFileSync(join(root, '..', 'log'), 'x\n');
    await expect(
      writeRecord({ root, signer, content: { kind: 'build', details: buildDetails('ubuntu-24.04'), log: join(root, '..', 'log') } }),
    ).rejects.toThrow(/holds records but no HEAD; refusing to start a second chain/);
  });

  it('refuses to extend a chain whose newest record was rewritten', async () => {
    const { root, signer, records } = await writeChain({ lines: ['ubuntu-24.04'] });
    const sums = join(records[0]!.path, 'SHA256SUMS');
    rmSync(sums, { force: true });
    writeFileSync(sums, 'rewritten\n');
    writeFileSync(join(root, '..', 'log'), 'x\n');
    await expect(
      writeRecord({ root, signer, content: { kind: 'build', details: buildDetails('ubuntu-24.04'), log: join(root, '..', 'log') } }),
    ).rejects.toThrow(/HEAD names builds\/ubuntu-24\.04\/\d{8}T\d{6}Z, whose SHA256SUMS has changed/);
  });

  it('refuses to move HEAD back to an older record named by a stale commit intent', async () => {
    const { root, signer, records } = await writeChain({ lines: ['ubuntu-24.04', 'debian-12'] });
    const [older] = records;
    writeFileSync(join(root, '.pending'), JSON.stringify({ record: older!.record, kind: 'build', line: 'ubuntu-24.04', ts: older!.ts, sumsSha256: older!.sumsSha256 }));
    const head = readFileSync(join(root, 'HEAD'), 'utf8');
    writeFileSync(join(root, '..', 'log'), 'x\n');
    await expect(
      writeRecord({ root, signer, content: { kind: 'build', details: buildDetails('rocky-9'), log: join(root, '..', 'log') } }),
    ).rejects.toThrow(/\.pending names builds\/ubuntu-24\.04\/\d{8}T\d{6}Z, which is not the record that follows HEAD/);
    expect(readFileSync(join(root, 'HEAD'), 'utf8')).toBe(head);
  });

  it('keeps one unbroken chain when two processes append at once', async () => {
    const dir = makeTempDir();
    const { root } = await writeChain({ lines: ['ubuntu-24.04'], dir });
    const keygen = await runCli(['keygen', '--out', join(dir, 'key2')]);
    expect(keygen.exitCode).toBe(0);
    const script = new URL('../fixtures/append-records.mjs', import.meta.url).pathname;
    const writers = ['rocky-9', 'debian-12'].map((line) => execa('node', [script, root, join(dir, 'key2', 'signing.key'), line, '15']));
    const results = await Promise.all(writers);
    const seqs = results.flatMap((result) => result.stdout.trim().split('\n').map(Number)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    const audit = await runCli(['audit', root]);
    expect(audit.stdout).toMatch(/clean/);
    expect(audit.exitCode).toBe(0);
    expect(lstatSync(join(root, 'builds/rocky-9/latest')).isSymbolicLink()).toBe(true);
  });
});
