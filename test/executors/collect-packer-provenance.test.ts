import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectPackerProvenance, packerProvenanceDirOf } from '../../src/pipeline/executors/local/collect-packer-provenance.js';
import { makeTempDir } from '../helpers/write-chain.js';

/** A job folder whose provenance folder holds `files` (name → content, or a link target with `link:`). */
function jobWith(files: Record<string, string>): string {
  const job = makeTempDir('goldsmith-collect-');
  const dir = packerProvenanceDirOf(job);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) {
    if (content.startsWith('link:')) symlinkSync(content.slice('link:'.length), join(dir, name));
    else writeFileSync(join(dir, name), content);
  }
  return job;
}

describe("collectPackerProvenance: the one file Packer's provenance post-processor wrote", () => {
  it('moves it to <job>/packer-provenance.json and clears the folder, SBOM and all', () => {
    const job = jobWith({ 'null.image.packer-fake.provenance.json': '{"_type":"x"}', 'null.image.packer-fake.sbom.cdx.json': '{}' });
    expect(collectPackerProvenance(job, [])).toEqual({ ok: true, file: join(job, 'packer-provenance.json') });
    expect(readFileSync(join(job, 'packer-provenance.json'), 'utf8')).toBe('{"_type":"x"}');
    expect(existsSync(packerProvenanceDirOf(job))).toBe(false);
  });

  it('refuses none, two, a link, an oversized file and one holding a credential; the folder is cleared each time', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'Packer wrote no *.provenance.json into var.provenance_directory'],
      [{ 'a.provenance.json': '{}', 'b.provenance.json': '{}' }, 'Packer wrote 2 provenance files (a.provenance.json, b.provenance.json) for one build'],
      [{ 'a.provenance.json': 'link:/etc/hostname' }, "Packer's provenance a.provenance.json is not a regular file (a link or a folder); refused"],
      [{ 'a.provenance.json': 'x'.repeat((1 << 20) + 1) }, `Packer's provenance a.provenance.json is ${(1 << 20) + 1} bytes`],
      [{ 'a.provenance.json': '{"userVariables":{"vm_password":"hunter2-hunter2"}}' }, "Packer's provenance holds the value of PKR_VAR_vm_password"],
    ];
    for (const [files, reason] of cases) {
      const job = jobWith(files);
      const taken = collectPackerProvenance(job, [{ name: 'PKR_VAR_vm_password', value: 'hunter2-hunter2' }]);
      expect(taken.ok).toBe(false);
      expect(!taken.ok && taken.reason).toContain(reason);
      expect(existsSync(packerProvenanceDirOf(job)) || existsSync(join(job, 'packer-provenance.json'))).toBe(false);
    }
  });
});
