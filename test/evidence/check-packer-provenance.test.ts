import { describe, expect, it } from 'vitest';
import { checkPackerProvenance } from '../../src/evidence/check-packer-provenance.js';

const IMAGE = { file: 'debian-12-build.qcow2', sha256: 'a'.repeat(64) };

function statement(subjects: Array<{ name: string; sha256: string }>, predicateType = 'https://slsa.dev/provenance/v1') {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: subjects.map((subject) => ({ name: subject.name, digest: { sha256: subject.sha256 } })),
    predicateType,
    predicate: { buildDefinition: { buildType: 'https://packer.io/buildtypes/hcl2/v1', externalParameters: {} }, runDetails: { builder: { id: 'https://packer.io/local-build' } } },
  };
}
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const envelope = (payload: string) => ({ payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(payload).toString('base64'), signatures: [{ keyid: '', sig: 'c2ln' }] });

describe("checkPackerProvenance: Packer's own provenance must name the artifact goldsmith records", () => {
  it('takes a bare Statement or a DSSE envelope naming the image by SHA-256, whatever Packer called the file', () => {
    const plain = statement([{ name: 'packer-debian-12', sha256: IMAGE.sha256 }]);
    expect(checkPackerProvenance(bytes(plain), { image: IMAGE, artifactId: null })).toEqual({
      ok: true,
      facts: { signed: false, build_type: 'https://packer.io/buildtypes/hcl2/v1', builder_id: 'https://packer.io/local-build', subjects: ['packer-debian-12'] },
    });
    expect(checkPackerProvenance(bytes(envelope(JSON.stringify(plain))), { image: IMAGE, artifactId: null })).toMatchObject({ ok: true, facts: { signed: true } });
  });

  it('a template without files is named <builder id>:<artifact id>', () => {
    const named = (name: string) => bytes(statement([{ name, sha256: 'b'.repeat(64) }]));
    expect(checkPackerProvenance(named('jetbrains.vsphere:debian-12-build'), { artifactId: 'debian-12-build' }).ok).toBe(true);
    expect(checkPackerProvenance(named('jetbrains.vsphere:debian-11-build'), { artifactId: 'debian-12-build' })).toEqual({
      ok: false,
      problems: ['names jetbrains.vsphere:debian-11-build, but the artifact this build made is debian-12-build'],
    });
    expect(checkPackerProvenance(named('jetbrains.vsphere:x'), { artifactId: null })).toEqual({
      ok: false,
      problems: ['names jetbrains.vsphere:x, but the build names no Packer artifact to compare it with (no manifest artifact_id)'],
    });
  });

  it('every subject must be the image: one more file, or another digest, is named', () => {
    const extra = statement([{ name: 'packer-debian-12', sha256: IMAGE.sha256 }, { name: 'other.qcow2', sha256: 'c'.repeat(64) }]);
    expect(checkPackerProvenance(bytes(extra), { image: IMAGE, artifactId: null })).toEqual({
      ok: false,
      problems: [`names other.qcow2 with SHA-256 ${'c'.repeat(64)}, but the image this build made, ${IMAGE.file}, has SHA-256 ${IMAGE.sha256}`],
    });
  });

  it('refuses what is not a provenance statement, saying what it is instead', () => {
    const check = (value: unknown) => checkPackerProvenance(bytes(value), { image: IMAGE, artifactId: null });
    expect(check('{not json')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^is not JSON/)] });
    expect(check(envelope('not json'))).toMatchObject({ ok: false, problems: [expect.stringMatching(/^holds a DSSE payload that is not JSON/)] });
    expect(check({ ...envelope('{}'), signatures: [] })).toMatchObject({ ok: false, problems: [expect.stringContaining('an envelope with no signature')] });
    expect(check(statement([{ name: 'x', sha256: IMAGE.sha256 }], 'https://cyclonedx.org/bom'))).toMatchObject({ ok: false, problems: [expect.stringContaining('is not an in-toto Statement v1 with SLSA provenance v1 (predicateType')] });
    expect(check(statement([]))).toMatchObject({ ok: false, problems: [expect.stringContaining('subject: at least one subject')] });
  });
});
