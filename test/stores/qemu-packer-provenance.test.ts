import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHead } from '../../src/evidence/pointers.js';
import { reseal } from '../audit/helpers/tamper.js';
import { makeQemuEnv, QEMU_LINE, type QemuEnv } from '../helpers/qemu-env.js';

const { line, base } = QEMU_LINE;
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * A QEMU line with packer_provenance, built through the job queue by real Packer. Debian's Packer 1.6.6
 * has no provenance post-processor: the fixture's shell-local post-processor writes what Packer 1.16's
 * would (test/fixtures/qemu-lines/fake-image/write-packer-provenance.mjs), into var.provenance_directory.
 */
async function provenanceEnv(fixture: 'statement' | 'envelope' | 'foreign' | 'none'): Promise<QemuEnv> {
  const env = await makeQemuEnv();
  const matrix = join(env.dir, 'packer', 'matrix.json');
  const lines = JSON.parse(readFileSync(matrix, 'utf8')) as Array<Record<string, unknown>>;
  writeFileSync(matrix, JSON.stringify(lines.map((entry) => ({ ...entry, packer_provenance: true }))));
  writeFileSync(join(env.dir, 'packer', 'fake-image', 'fake-image.pkrvars.hcl'), `provenance_fixture = "${fixture}"\n`);
  return env;
}

const latest = (env: QemuEnv) => join(env.config.records, 'builds', line, 'latest');

describe("Packer's own provenance, kept in the build record (matrix packer_provenance)", () => {
  it('an unsigned Statement naming the image is sealed as packer-provenance.json, listed in SHA256SUMS and named by run.json, README and the signed provenance; the audit passes', async () => {
    const env = await provenanceEnv('statement');
    const build = await env.cli(['build', line, '--wait']);
    expect(build.exitCode, build.stdout + build.stderr).toBe(0);
    const record = latest(env);
    const kept = readFileSync(join(record, 'packer-provenance.json'));
    const run = JSON.parse(readFileSync(join(record, 'run.json'), 'utf8'));
    expect(run.packer_provenance).toEqual({
      file: 'packer-provenance.json',
      sha256: sha256(kept),
      signed: false,
      build_type: 'https://packer.io/buildtypes/hcl2/v1',
      builder_id: 'https://packer.io/local-build',
      subjects: ['packer-fake'],
    });
    // Packer named its own file; goldsmith knows the image as <base>-build.qcow2: the SHA-256 is what ties them.
    expect(JSON.parse(kept.toString('utf8')).subject).toEqual([{ name: 'packer-fake', digest: { sha256: run.image.sha256 } }]);
    expect(readFileSync(join(record, 'SHA256SUMS'), 'utf8')).toContain(`${sha256(kept)}  packer-provenance.json\n`);
    expect(readFileSync(join(record, 'README.md'), 'utf8')).toContain("is the SLSA provenance Packer itself wrote for this build, unsigned, from builder `https://packer.io/local-build`; it names `packer-fake`");
    const envelope = JSON.parse(readFileSync(join(record, 'provenance.intoto.json'), 'utf8'));
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    expect(statement.predicate.runDetails.byproducts).toContainEqual({ name: 'packer-provenance.json', digest: { sha256: sha256(kept) }, mediaType: 'application/json' });
    expect(existsSync(join(env.config.state_dir, 'jobs', '1', 'packer-provenance')), "Packer's folder is cleared once its file is taken").toBe(false);
    const audit = await env.cli(['audit', '--allowed-signers', env.allowedSigners]);
    expect(audit.exitCode, audit.stdout + audit.stderr).toBe(0);

    // goldsmith seal for such a line without Packer's file is refused, naming the option.
    const seal = await env.cli(['seal', '--line', line, '--log', join(record, 'packer.log')]);
    expect(seal.exitCode).toBe(1);
    expect(seal.stderr).toContain(`${line} sets packer_provenance, but no provenance from Packer came with the build (goldsmith seal: --packer-provenance FILE)`);

    // An insider with the signing key swaps in a statement for another image and re-signs: the audit still names it.
    const forged = kept.toString('utf8').replace(run.image.sha256, 'a'.repeat(64));
    writeFileSync(join(record, 'packer-provenance.json'), forged);
    writeFileSync(join(record, 'run.json'), readFileSync(join(record, 'run.json'), 'utf8').replace(sha256(kept), sha256(forged)));
    const digest = reseal({ record: run.record, path: join(env.config.records, run.record), seq: run.seq, kind: 'build', ts: run.ts }, env.signer.key);
    writeFileSync(join(env.config.records, 'HEAD'), formatHead({ record: run.record, sumsSha256: digest }));
    const forgedAudit = await env.cli(['audit', '--allowed-signers', env.allowedSigners]);
    expect(forgedAudit.exitCode).toBe(1);
    expect(forgedAudit.stdout).toContain(`names packer-fake with SHA-256 ${'a'.repeat(64)}, but the image this build made, ${base}-build.qcow2, has SHA-256 ${run.image.sha256}`);
  });

  it('a DSSE envelope (Packer signed it) is kept byte for byte and recorded as signed', async () => {
    const env = await provenanceEnv('envelope');
    const build = await env.cli(['build', line, '--wait']);
    expect(build.exitCode, build.stdout + build.stderr).toBe(0);
    const record = latest(env);
    const kept = JSON.parse(readFileSync(join(record, 'packer-provenance.json'), 'utf8'));
    expect(kept.payloadType).toBe('application/vnd.in-toto+json');
    expect(JSON.parse(readFileSync(join(record, 'run.json'), 'utf8')).packer_provenance).toMatchObject({ signed: true, subjects: ['packer-fake'] });
    expect(readFileSync(join(record, 'README.md'), 'utf8')).toContain('packer verify-attestation -signing-mode=key -verifier=packer.pub.pem packer-provenance.json');
    expect((await env.cli(['audit'])).exitCode).toBe(0);
  });

  it('a provenance naming another artifact fails the build: no record is sealed, and the job says which digest disagrees', async () => {
    const env = await provenanceEnv('foreign');
    const build = await env.cli(['build', line, '--wait']);
    expect(build.exitCode).not.toBe(0);
    expect(build.stdout + build.stderr).toContain("refusing to seal: Packer's provenance");
    expect(build.stdout + build.stderr).toContain(`names packer-fake with SHA-256 ${sha256('another build')}, but the image this build made, ${base}-build.qcow2, has SHA-256`);
    expect(existsSync(join(env.config.records, 'builds', line))).toBe(false);
  });

  it('a provenance holding a credential (a PKR_VAR_ password not declared sensitive, inside a signed payload) fails the build and is deleted', async () => {
    const env = await provenanceEnv('envelope');
    env.env.PKR_VAR_vm_password = 'n0t-for-records-7731';
    const build = await env.cli(['build', line, '--wait']);
    expect(build.exitCode).not.toBe(0);
    expect(build.stdout + build.stderr).toContain("Packer's provenance holds the value of PKR_VAR_vm_password (Packer records the variables it was given): declare that variable with sensitive = true in the line's template, so Packer redacts it; the file was deleted");
    expect(build.stdout + build.stderr).not.toContain('n0t-for-records-7731');
    const job = join(env.config.state_dir, 'jobs', '1');
    expect(existsSync(join(job, 'packer-provenance.json')) || existsSync(join(job, 'packer-provenance'))).toBe(false);
    expect(existsSync(join(env.config.records, 'builds', line))).toBe(false);
  });

  it('a build that leaves no provenance fails, naming the post-processor to add', async () => {
    const env = await provenanceEnv('none');
    const build = await env.cli(['build', line, '--wait']);
    expect(build.exitCode).not.toBe(0);
    expect(build.stdout + build.stderr).toContain('the line sets packer_provenance, but Packer wrote no *.provenance.json into var.provenance_directory: give the line\'s template a post-processor "provenance" with output_dir = var.provenance_directory');
    expect(existsSync(join(env.config.records, 'builds', line))).toBe(false);
  });
});
