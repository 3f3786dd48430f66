import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSigningKey } from '../../src/evidence/ssh-keys.js';
import type { WrittenRecord } from '../../src/evidence/write-record.js';
import { writeRecord } from '../../src/evidence/write-record.js';
import { runCli } from '../helpers/run-cli.js';
import { buildDetails, makeTempDir, promotionDetails } from '../helpers/write-chain.js';

// Interop: the envelopes goldsmith writes, checked by code that is not goldsmith's
// (sigstore-js's verifier with the PEM key goldsmith keygen wrote, ssh-keygen for
// the keyid) and the statements against the published SLSA v1 / in-toto rules.

interface Envelope {
  payloadType: string;
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');
const envelopeOf = (record: WrittenRecord): Envelope => JSON.parse(readFileSync(join(record.path, 'provenance.intoto.json'), 'utf8')) as Envelope;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const statementOf = (envelope: Envelope): any => JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));

/** Verifies a DSSE envelope with @sigstore/verify against one public key, no transparency log or timestamp (a key-signed, offline envelope). */
function sigstoreVerify(envelope: Envelope, pem: string): void {
  const bundle = bundleFromJSON({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: envelope.signatures[0]!.keyid }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: envelope,
  });
  const trust = toTrustMaterial(
    { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', certificateAuthorities: [], ctlogs: [], tlogs: [], timestampAuthorities: [] },
    // @sigstore/verify's KeyFinderFunc: the one key trusted, under its keyid, read from the PEM file.
    (hint) => {
      if (hint !== fingerprint) throw new Error(`unknown keyid ${hint}`);
      return { publicKey: createPublicKey(pem), validFor: () => true };
    },
  );
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundle));
}

let dir: string;
let pem: string;
let fingerprint: string;
let keygenOut: string;
let vsphereBuild: WrittenRecord;
let promotion: WrittenRecord;
let imageBuild: WrittenRecord;
const image = Buffer.from('QFI\xfb a pretend qcow2 image\n');

beforeAll(async () => {
  dir = makeTempDir('goldsmith-provenance-');
  const keygen = await runCli(['keygen', '--out', join(dir, 'key')]);
  expect(keygen.exitCode).toBe(0);
  keygenOut = keygen.stdout;
  pem = readFileSync(join(dir, 'key', 'signing.pub.pem'), 'utf8');
  // The keyid every envelope must carry: the fingerprint as the real ssh-keygen prints it.
  fingerprint = (await execa('ssh-keygen', ['-l', '-f', join(dir, 'key', 'signing.pub')])).stdout.split(' ')[1]!;
  const signer = { key: readSigningKey(join(dir, 'key', 'signing.key')), identity: 'goldsmith' };
  const root = join(dir, 'records');
  const log = join(dir, 'build.log');
  writeFileSync(log, '==> vsphere-iso.ubuntu: template ubuntu-24.04-build\n');
  vsphereBuild = await writeRecord({ root, signer, content: { kind: 'build', details: buildDetails('ubuntu-24.04', { executor: { kind: 'local', host: 'goldsmith-1' }, packer: { version: '1.6.6', only: 'vsphere-iso.ubuntu' } }), log } });
  writeFileSync(log, 'govc object.rename ubuntu-24.04-build ubuntu-24.04\n');
  promotion = await writeRecord({ root, signer, content: { kind: 'promotion', details: promotionDetails('ubuntu-24.04', vsphereBuild), log } });
  writeFileSync(log, '==> qemu.debian: image written\n');
  const sums = join(dir, 'image.sha256');
  writeFileSync(sums, `${sha256(image)}  debian-12-build.qcow2\n`);
  imageBuild = await writeRecord({
    root,
    signer,
    content: {
      kind: 'build',
      log,
      imageSums: sums,
      details: buildDetails('debian-12', {
        target: { platform: 'qemu', image_directory: '/var/lib/goldsmith/images', template_name: 'debian-12-build' },
        image: { file: 'debian-12-build.qcow2', sha256: sha256(image), size: image.length, format: 'qcow2', virtual_size: 1 << 30 },
        executor: {
          kind: 'github-actions',
          repository: 'acme/images',
          workflow: 'build.yml',
          run_id: 42,
          run_attempt: 1,
          run_url: 'https://github.example.test/acme/images/actions/runs/42',
          runner_name: 'arc-1',
          runner_labels: ['self-hosted'],
          head_sha: 'f'.repeat(40),
        },
      }),
    },
  });
});

describe('provenance.intoto.json, checked by others', () => {
  it('goldsmith keygen writes the public key as SubjectPublicKeyInfo PEM and says what it is for', () => {
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    expect(keygenOut).toContain(`wrote ${join(dir, 'key', 'signing.pub.pem')} (the same public key as PEM, for cosign`);
  });

  it('verifies with @sigstore/verify and the PEM key, keyid being the ssh-keygen fingerprint', () => {
    for (const record of [vsphereBuild, promotion, imageBuild]) {
      const envelope = envelopeOf(record);
      expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
      expect(envelope.signatures.map((signature) => signature.keyid)).toEqual([fingerprint]);
      expect(() => sigstoreVerify(envelope, pem), record.record).not.toThrow();
    }
  });

  it('is refused by @sigstore/verify when the payload changed or another key signed it', async () => {
    const envelope = envelopeOf(vsphereBuild);
    const statement = statementOf(envelope);
    statement.subject[0].digest.sha256 = '0'.repeat(64);
    const changed = { ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') };
    expect(() => sigstoreVerify(changed, pem)).toThrow(/signature verification failed/);
    const other = makeTempDir('goldsmith-provenance-other-');
    expect((await runCli(['keygen', '--out', other])).exitCode).toBe(0);
    expect(() => sigstoreVerify(envelope, readFileSync(join(other, 'signing.pub.pem'), 'utf8'))).toThrow(/signature verification failed/);
  });

  it('holds statements valid against the published in-toto Statement v1 / SLSA provenance v1 rules', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(new URL('../fixtures/slsa/provenance-v1.schema.json', import.meta.url), 'utf8')));
    for (const record of [vsphereBuild, promotion, imageBuild]) {
      const statement = statementOf(envelopeOf(record));
      expect(validate(statement) ? [] : validate.errors, record.record).toEqual([]);
    }
    // The schema is not empty: a statement without a builder id fails it.
    const broken = statementOf(envelopeOf(vsphereBuild));
    delete broken.predicate.runDetails.builder.id;
    expect(validate(broken)).toBe(false);
  });

  it('names the image file as the subject where the build made one, and the template and its log otherwise', () => {
    const qemu = statementOf(envelopeOf(imageBuild));
    expect(qemu.subject).toEqual([{ name: 'debian-12-build.qcow2', digest: { sha256: sha256(image) } }]);
    const vsphere = statementOf(envelopeOf(vsphereBuild));
    const log = sha256(readFileSync(join(vsphereBuild.path, 'packer.log')));
    expect(vsphere.subject).toEqual([{ name: 'template:ubuntu-24.04-build', digest: { sha256: log } }]);
    expect(vsphere.predicate.runDetails.byproducts).toContainEqual({ name: 'packer.log', digest: { sha256: log }, mediaType: 'text/plain' });
    expect(qemu.predicate.runDetails.byproducts).toContainEqual({ name: 'image.sha256', digest: { sha256: sha256(readFileSync(join(imageBuild.path, 'image.sha256'))) }, mediaType: 'text/plain' });
  });

  it('describes the build: type, parameters, dependencies, a builder id per executor, the invocation', () => {
    const vsphere = statementOf(envelopeOf(vsphereBuild));
    expect(vsphere.predicate.buildDefinition.buildType).toBe('https://goldsmith.dev/buildtypes/packer/v1');
    expect(vsphere.predicate.buildDefinition.externalParameters).toEqual({
      line: 'ubuntu-24.04',
      template: { dir: 'packer/ubuntu-24.04' },
      only: 'vsphere-iso.ubuntu',
      var_files: ['packer/ubuntu-24.04/ubuntu-24.04.pkrvars.hcl'],
      requested_by: { source: 'cli', user: 'alice' },
    });
    expect(vsphere.predicate.buildDefinition.resolvedDependencies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'template', digest: { gitCommit: '0123456789abcdef0123456789abcdef01234567' } }),
        expect.objectContaining({ digest: { sha256: 'a'.repeat(64) } }),
        { name: 'packer/ubuntu-24.04/ubuntu-24.04.pkrvars.hcl', digest: { sha256: 'b'.repeat(64) } },
        { name: '[datastore1] iso/ubuntu-24.04.iso', digest: { sha256: 'c'.repeat(64) } },
      ]),
    );
    expect(vsphere.predicate.runDetails.builder.id).toBe('https://goldsmith.dev/builders/local/goldsmith-1');
    expect(vsphere.predicate.runDetails.metadata).toEqual({ invocationId: 'goldsmith-job:7', startedOn: '2026-11-24T08:00:00Z', finishedOn: '2026-11-24T08:40:00Z' });
    const qemu = statementOf(envelopeOf(imageBuild));
    expect(qemu.predicate.runDetails.builder.id).toBe('https://goldsmith.dev/builders/github-actions/acme/images');
    expect(qemu.predicate.runDetails.metadata.invocationId).toBe('https://github.example.test/acme/images/actions/runs/42/attempts/1');
  });

  it("names a promotion's approved build by its SHA256SUMS digest, and its approvers", () => {
    const statement = statementOf(envelopeOf(promotion));
    expect(statement.predicate.buildDefinition.buildType).toBe('https://goldsmith.dev/buildtypes/promotion/v1');
    expect(statement.subject).toEqual([{ name: 'template:ubuntu-24.04', digest: { sha256: sha256(readFileSync(join(promotion.path, 'promote.log'))) } }]);
    expect(statement.predicate.buildDefinition.resolvedDependencies).toEqual([
      { name: `${vsphereBuild.record}/SHA256SUMS`, digest: { sha256: vsphereBuild.sumsSha256 }, annotations: { approved: true } },
    ]);
    expect(statement.predicate.buildDefinition.externalParameters).toMatchObject({
      action: 'promote',
      requested_by: { source: 'github', user: 'alice' },
      approved_by: [{ source: 'github', user: 'bob' }],
      pull_request: 'https://github.example.test/acme/images/pull/3',
    });
    // And the build's SHA256SUMS lists the provenance, so sha256sum -c covers it.
    expect(readFileSync(join(vsphereBuild.path, 'SHA256SUMS'), 'utf8')).toMatch(/^[0-9a-f]{64} {2}provenance\.intoto\.json$/m);
  });
});
