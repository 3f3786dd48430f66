import { randomBytes, createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeRecord, type WrittenRecord } from '../../src/evidence/write-record.js';
import { runCli } from '../helpers/run-cli.js';
import { buildDetails, makeSigner, makeTempDir } from '../helpers/write-chain.js';

const LINE = 'qemu-debian-12';

describe('an image sealed into a build record, and goldsmith audit --artifact', () => {
  const dir = makeTempDir('goldsmith-artifact-');
  const records = join(dir, 'records');
  const images = join(dir, 'images');
  const { signer, allowedSigners } = makeSigner(dir);
  const image = join(images, `${LINE}-build.qcow2`);
  let sha256: string;
  let sealed: WrittenRecord;

  beforeAll(async () => {
    mkdirSync(images);
    // Any bytes will do: the audit compares hashes, it does not read the disk.
    const bytes = randomBytes(3 << 20);
    writeFileSync(image, bytes);
    sha256 = createHash('sha256').update(bytes).digest('hex');
    // Packer's checksum post-processor writes "<hex>\t<file>".
    const sums = join(dir, `${LINE}-build.qcow2.sha256`);
    writeFileSync(sums, `${sha256}\t${LINE}-build.qcow2\n`);
    const log = join(dir, 'packer.log');
    writeFileSync(log, '1796145007,,ui,say,Build finished\n');
    sealed = await writeRecord({
      root: records,
      signer,
      content: {
        kind: 'build',
        log,
        imageSums: sums,
        details: buildDetails(LINE, {
          target: { platform: 'qemu', image_directory: images, template_name: `${LINE}-build` },
          artifact: { artifact_id: 'VM', packer_run_uuid: null, builder_type: 'qemu' },
          checks: [
            { name: 'no-password-hashes', result: 'pass', detail: 'no password hash and no empty password in /etc/shadow (22 accounts)' },
            { name: 'guest-agent-answers', result: 'pass', detail: 'guest-info over virtio-serial: qemu-guest-agent 7.2.22, 42 commands' },
          ],
          image: { file: `${LINE}-build.qcow2`, sha256, size: bytes.length, format: 'qcow2', virtual_size: 3 * 1024 ** 3 },
        }),
      },
    });
  });

  it('seals the checksum file beside run.json, covered by SHA256SUMS, and states the image in the README', async () => {
    const folder = join(records, sealed.record);
    expect(readFileSync(join(folder, 'image.sha256'), 'utf8')).toBe(`${sha256}\t${LINE}-build.qcow2\n`);
    expect(readFileSync(join(folder, 'SHA256SUMS'), 'utf8')).toMatch(/^[0-9a-f]{64} {2}image\.sha256$/m);
    const run = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8'));
    expect(run.image).toEqual({ file: `${LINE}-build.qcow2`, sha256, size: 3 << 20, format: 'qcow2', virtual_size: 3 * 1024 ** 3, checksum_file: 'image.sha256' });
    const readme = readFileSync(join(folder, 'README.md'), 'utf8');
    expect(readme).toContain(`The image \`${LINE}-build.qcow2\` (qcow2, ${3 << 20} bytes, virtual size ${3 * 1024 ** 3} bytes) has SHA-256 \`${sha256}\`.`);
    expect(readme).toContain('| guest-agent-answers | pass | guest-info over virtio-serial: qemu-guest-agent 7.2.22, 42 commands |');
    expect(readme).toContain('The image checklist ran 2 checks before this record was sealed; all passed.');
    const audit = await runCli(['audit', records, '--allowed-signers', allowedSigners]);
    expect(audit.stdout + audit.stderr).not.toContain('FINDING');
    expect(audit.exitCode, audit.stdout).toBe(0);
  });

  it('verifies the image, also under its promoted name', async () => {
    const promoted = join(images, `${LINE}.qcow2`);
    copyFileSync(image, promoted);
    for (const file of [image, promoted]) {
      const result = await runCli(['audit', records, '--artifact', file, '--allowed-signers', allowedSigners]);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain(`ok: ${file} (SHA-256 ${sha256}, ${3 << 20} bytes) is the image ${LINE}-build.qcow2 of build record ${sealed.record}`);
      expect(result.stdout).toContain('The record is intact');
    }
  });

  it('fails an image changed after sealing, naming the record that sealed it', async () => {
    const changed = join(images, `${LINE}-prev.qcow2`);
    copyFileSync(image, changed);
    appendFileSync(changed, 'x');
    const result = await runCli(['audit', records, '--artifact', changed]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`FINDING: ${changed} (SHA-256 `);
    expect(result.stdout).toContain(`is the image of no build record in ${records}.`);
    expect(result.stdout).toContain(
      `${sealed.record} sealed ${LINE}-build.qcow2 with SHA-256 ${sha256} (${3 << 20} bytes) at 2026-11-24T08:40:00Z: this file has changed since that record was sealed`,
    );
    const json = JSON.parse((await runCli(['audit', records, '--artifact', changed, '--json'])).stdout);
    expect(json).toMatchObject({ ok: false, matches: [], sameName: [{ record: sealed.record, sha256 }] });
  });

  it('fails when the record that names the image was tampered with, and says usage errors with exit 2', async () => {
    const copy = join(dir, 'records-copy');
    const { cpSync } = await import('node:fs');
    cpSync(records, copy, { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(copy, sealed.record, 'image.sha256'), `${'0'.repeat(64)}\t${LINE}-build.qcow2\n`);
    const tampered = await runCli(['audit', copy, '--artifact', image]);
    expect(tampered.exitCode).toBe(1);
    expect(tampered.stdout).toContain('but that record does not verify, so it vouches for nothing:');
    expect(tampered.stdout).toContain(`${sealed.record}/image.sha256: SHA-256 does not match SHA256SUMS`);
    const audit = await runCli(['audit', copy]);
    expect(audit.exitCode).toBe(1);
    rmSync(join(copy, sealed.record, 'image.sha256'));
    const removed = await runCli(['audit', copy]);
    expect(removed.stdout).toContain("image.sha256: missing (SHA256SUMS lists it: the image's checksum file was removed)");
    const missing = await runCli(['audit', records, '--artifact', join(dir, 'nope.qcow2')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe(`goldsmith audit: cannot read --artifact ${join(dir, 'nope.qcow2')}: is missing`);
  });

  it('refuses to seal a checksum file that disagrees with the image', async () => {
    const sums = join(dir, 'wrong.sha256');
    writeFileSync(sums, `${'1'.repeat(64)}\t${LINE}-build.qcow2\n`);
    const log = join(dir, 'packer.log');
    await expect(
      writeRecord({
        root: records,
        signer,
        content: { kind: 'build', log, imageSums: sums, details: buildDetails(LINE, { image: { file: `${LINE}-build.qcow2`, sha256, size: 1, format: 'qcow2', virtual_size: 1 } }) },
      }),
    ).rejects.toThrow(`refusing to seal ${sums}: it lists ${'1'.repeat(64)}, but the image ${LINE}-build.qcow2 hashes to ${sha256}; rebuild`);
  });
});
