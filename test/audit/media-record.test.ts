import { execa } from 'execa';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditRecords } from '../../src/audit/audit-records.js';
import { parseAllowedSigners } from '../../src/audit/parse-allowed-signers.js';
import type { MediaDetails } from '../../src/evidence/run-schema.js';
import { writeMediaRecord } from '../../src/evidence/write-media-record.js';
import { writeRecord } from '../../src/evidence/write-record.js';
import { writeRevocationRecord } from '../../src/evidence/write-revocation-record.js';
import { buildDetails, makeSigner, makeTempDir } from '../helpers/write-chain.js';

const details: MediaDetails = {
  line: 'ubuntu-24.04',
  requested_by: { source: 'schedule', user: 'iso-check' },
  iso: {
    url: 'https://releases.ubuntu.com/24.04/ubuntu-24.04.3-live-server-amd64.iso',
    sums_url: 'https://releases.ubuntu.com/24.04/SHA256SUMS',
    file: 'ubuntu-24.04.3-live-server-amd64.iso',
    sha256: 'c3514bf0056180d09376462a7a1b4f213c1d6e8ea67fae5c25099c6fd3d8274b',
    size: 3_213_064_192,
  },
  datastore_path: '[datastore1] iso/ubuntu-24.04.3-live-server-amd64.iso',
  uploaded: true,
  target: { platform: 'vsphere', vcenter: 'vcenter.example.internal', datacenter: 'dc-01', datastore: 'datastore1' },
};

async function chain() {
  const dir = makeTempDir('goldsmith-media-audit-');
  const { signer, allowedSigners } = makeSigner(dir);
  const root = join(dir, 'records');
  const log = join(dir, 'packer.log');
  writeFileSync(log, 'built\n');
  const media = await writeMediaRecord({ root, signer, details });
  const build = await writeRecord({ root, signer, content: { kind: 'build', details: buildDetails('ubuntu-24.04'), log } });
  // A revocation too, so that the assessor's script is shown to walk every kind of record folder.
  await writeRevocationRecord({
    root,
    signer,
    details: { action: 'revoke', line: 'ubuntu-24.04', requested_by: { source: 'cli', user: 'erin' }, reason: 'wrong ISO', build: { record: build.record, sums_sha256: build.sumsSha256 }, pull_request: null },
  });
  const audit = () => auditRecords(root, { allowedSigners: parseAllowedSigners(readFileSync(allowedSigners, 'utf8'), 'allowed_signers') });
  return { dir, root, media, audit, allowedSigners };
}

/** docs/assessor.md's whole-folder script, exactly as an assessor copies it. */
function wholeFolderScript(): string {
  const doc = readFileSync(new URL('../../docs/assessor.md', import.meta.url), 'utf8');
  return /<!-- tested: whole-folder -->\n```sh\n([\s\S]*?)```\n/.exec(doc)![1]!;
}

describe('media records', () => {
  it('are chained, signed and audited like the others, with no log; the README states the ISO', async () => {
    const { root, media, audit } = await chain();
    expect(media.record).toMatch(/^media\/ubuntu-24\.04\/\d{8}T\d{6}Z$/);
    expect(readFileSync(join(root, media.record, 'SHA256SUMS'), 'utf8').split('\n').filter(Boolean).map((line) => line.split('  ')[1])).toEqual(['PREV', 'README.md', 'run.json']);
    const readme = readFileSync(join(root, media.record, 'README.md'), 'utf8');
    expect(readme).toContain('# Media record: ubuntu-24.04');
    expect(readme).toContain(`The ISO \`${details.iso.file}\` (3213064192 bytes) has SHA-256 \`${details.iso.sha256}\``);
    const report = await audit();
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ records: 4, init: 1, builds: 1, promotions: 0, revocations: 1, media: 1 });
    expect(report.records.map((record) => [record.kind, record.seq])).toContainEqual(['media', 1]);
  });

  it("docs/assessor.md's whole-folder script checks media and revocation records too: no seq gap, a tampered one is named", async () => {
    const { dir, root, media, allowedSigners } = await chain();
    const script = join(dir, 'verify-records.sh');
    writeFileSync(script, wholeFolderScript());
    const run = () => execa('bash', [script], { cwd: root, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ALLOWED_SIGNERS: allowedSigners }, extendEnv: false, reject: false });
    const clean = await run();
    expect(clean.exitCode, clean.stdout + clean.stderr).toBe(0);
    expect(String(clean.stdout)).not.toContain('seq gap');
    const readme = join(root, media.record, 'README.md');
    chmodSync(readme, 0o644);
    writeFileSync(readme, readFileSync(readme, 'utf8').replace('3213064192 bytes', '3213064193 bytes'));
    const tampered = await run();
    expect(tampered.exitCode).toBe(1);
    expect(String(tampered.stdout)).toContain(`FAILED: ${media.record}/`);
  });

  it('a rewritten run.json (another checksum) is found, and the next record no longer links to it', async () => {
    const { root, media, audit } = await chain();
    const path = join(root, media.record, 'run.json');
    chmodSync(path, 0o644);
    writeFileSync(path, readFileSync(path, 'utf8').replace(details.iso.sha256, 'f'.repeat(64)));
    const report = await audit();
    expect(report.ok).toBe(false);
    expect(report.findings.some((finding) => finding.record === media.record && finding.file === 'run.json')).toBe(true);
  });
});
