import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMatrix } from '../../src/config/load-matrix.js';
import { hashFile } from '../../src/evidence/hash-file.js';
import { writeKeyFiles } from '../../src/evidence/write-key-files.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/write-chain.js';
import { baseImage, repoRoot } from './base-image.js';

/**
 * ONE real image build: the qemu-debian-12 line through `goldsmith build
 * --wait`, with real Packer 1.6.6, QEMU under TCG and Ansible, from the base
 * disk of scripts/setup-infra; then the checklist, the record, and
 * `audit --artifact`. About 3-4 minutes on a quiet machine and both cores: CI runs it once,
 * alone, with GOLDSMITH_TEST_REAL_BUILD=1:
 *
 *   GOLDSMITH_TEST_REAL_BUILD=1 npx vitest run test/qemu/real-build.test.ts
 */
const enabled = process.env.GOLDSMITH_TEST_REAL_BUILD === '1';
const LINE = 'qemu-debian-12';
const MINUTE = 60_000;

/** Seconds between the first machine-readable log lines that contain `from` and `to`. */
function stage(log: string, from: string, to: string): number | undefined {
  // Machine-readable lines only ("<unix time>,<target>,<type>,..."), not PACKER_LOG's copies of them.
  const at = (text: string) => log.split('\n').find((line) => /^\d+,/.test(line) && line.includes(text))?.split(',')[0];
  const start = Number(at(from));
  const end = Number(at(to));
  return Number.isFinite(start) && Number.isFinite(end) && start > 0 && end > 0 ? end - start : undefined;
}

describe.skipIf(!enabled)('a real QEMU image build (GOLDSMITH_TEST_REAL_BUILD=1)', () => {
  const dir = makeTempDir('goldsmith-real-build-');
  const images = join(dir, 'images');
  const records = join(dir, 'records');
  let run: Record<string, any> | undefined;
  let record: string | undefined;

  it('builds qemu-debian-12 for real with goldsmith build --wait', async () => {
    // A working folder as an operator sets it up: the line's folder, its var-file, a key, goldsmith.yaml.
    const base = baseImage();
    mkdirSync(join(dir, 'packer/qemu'), { recursive: true });
    mkdirSync(join(dir, 'packer/config'));
    symlinkSync(join(repoRoot, 'packer/qemu/debian-12'), join(dir, 'packer/qemu/debian-12'));
    const entry = loadMatrix(join(repoRoot, 'packer/matrix.json')).find((candidate) => candidate.key === LINE)!;
    writeFileSync(join(dir, 'packer/matrix.json'), JSON.stringify([entry], null, 2));
    writeFileSync(
      join(dir, 'packer/config/qemu-debian-12.pkrvars.hcl'),
      [`base_name = "${LINE}"`, `base_image = "${join(repoRoot, '.infra/images/debian-12-base.qcow2')}"`, `base_image_checksum = "file:${join(repoRoot, '.infra/images/debian-12-base.qcow2.sha256')}"`, ''].join('\n'),
    );
    writeKeyFiles(join(dir, 'keys'), 'goldsmith');
    writeFileSync(
      join(dir, 'goldsmith.yaml'),
      ['records: records', 'state_dir: state', 'packer:', '  matrix: packer/matrix.json', 'signing:', '  key: keys/signing.key', 'qemu:', '  image_dir: images', ''].join('\n'),
    );
    // goldsmith's own environment as an operator's shell would give it, minus settings of ours.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(GOLDSMITH_|PKR_VAR_|GOVC_)/.test(name))) as Record<string, string>;

    const started = Date.now();
    const build = await runCli(['--config', join(dir, 'goldsmith.yaml'), 'build', LINE, '--wait'], { cwd: dir, env, extendEnv: false, timeout: 20 * MINUTE });
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(`goldsmith build ${LINE} --wait: exit ${build.exitCode} after ${seconds} s (base ${base})\n${build.stdout.split('\n').slice(-15).join('\n')}\n${build.stderr}`);
    expect(build.exitCode, `${build.stdout}\n${build.stderr}`).toBe(0);

    const folder = join(records, 'builds', LINE);
    record = readdirSync(folder).filter((name) => /^\d{8}T\d{6}Z$/.test(name)).sort().at(-1);
    expect(record, 'a build record').toBeDefined();
    run = JSON.parse(readFileSync(join(folder, record!, 'run.json'), 'utf8'));
    expect(run!.target).toMatchObject({ platform: 'qemu', template_name: `${LINE}-build` });
    expect(existsSync(join(images, `${LINE}-build.qcow2`))).toBe(true);

    const log = readFileSync(join(folder, record!, 'packer.log'), 'utf8');
    const timings = {
      total_s: seconds,
      boot_to_ssh_s: stage(log, 'Starting VM', 'Connected to SSH'),
      ansible_s: stage(log, 'Provisioning with Ansible', 'Gracefully halting'),
      convert_s: stage(log, 'Converting hard drive', 'Running post-processor'),
      packer_s: stage(log, 'Retrieving ISO', 'Running post-processor:  (type manifest)'),
    };
    console.log(`timings: ${JSON.stringify(timings)}`);
  }, 25 * MINUTE);

  it('ran the image checklist before sealing: run.json and the README carry the checks and the image', async () => {
    expect(run, 'the build above must have succeeded').toBeDefined();
    const checks = (run!.checks ?? []) as Array<{ name: string; result: string; detail: string }>;
    expect(checks.map((check) => check.name), 'run.json names the checklist').toEqual(
      expect.arrayContaining(['no-password-hashes', 'no-authorized-keys', 'no-shell-history', 'kernel-console', 'boot-ssh', 'guest-agent-answers']),
    );
    expect(checks.filter((check) => check.result !== 'pass')).toEqual([]);
    const image = join(images, `${LINE}-build.qcow2`);
    const { sha256, size } = await hashFile(image);
    expect(run!.image).toMatchObject({ file: `${LINE}-build.qcow2`, sha256, size, format: 'qcow2', checksum_file: 'image.sha256' });
    const folder = join(records, 'builds', LINE, record!);
    expect(readFileSync(join(folder, 'image.sha256'), 'utf8')).toContain(sha256);
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toContain(`has SHA-256 \`${sha256}\``);

    const verified = await runCli(['audit', records, '--artifact', image]);
    expect(verified.exitCode, verified.stdout).toBe(0);
    // The same name as the sealed image, one byte more: the audit finds the record by name and refuses the content.
    mkdirSync(join(dir, 'changed'), { recursive: true });
    const changed = join(dir, 'changed', `${LINE}-build.qcow2`);
    copyFileSync(image, changed);
    appendFileSync(changed, 'x');
    const refused = await runCli(['audit', records, '--artifact', changed]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain('this file has changed since that record was sealed');
  }, 5 * MINUTE);
});
