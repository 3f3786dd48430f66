import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildDetails, PromotionDetails } from '../../src/evidence/run-schema.js';
import { generateSigningKey } from '../../src/evidence/ssh-keys.js';
import { writeRecord, type RecordSigner, type WrittenRecord } from '../../src/evidence/write-record.js';

/** A fresh temporary folder. */
export function makeTempDir(prefix = 'goldsmith-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A signer with a new key, and the allowed_signers file that trusts it. */
export function makeSigner(dir: string, identity = 'goldsmith'): { signer: RecordSigner; allowedSigners: string } {
  const { key } = generateSigningKey(`${identity}@test`);
  const allowedSigners = join(dir, 'allowed_signers');
  writeFileSync(allowedSigners, `${identity} namespaces="goldsmith-record" ${key.publicLine}\n`);
  return { signer: { key, identity }, allowedSigners };
}

/** Build details as the pipeline fills them, for `line`. */
export function buildDetails(line: string, overrides: Partial<BuildDetails> = {}): BuildDetails {
  return {
    line,
    job_id: '7',
    requested_by: { source: 'cli', user: 'alice' },
    started_at: '2026-11-24T08:00:00Z',
    finished_at: '2026-11-24T08:40:00Z',
    packer: { version: '1.6.6' },
    template: { dir: `packer/${line}`, git_commit: '0123456789abcdef0123456789abcdef01234567', hcl_sha256: 'a'.repeat(64) },
    var_files: [{ path: `packer/${line}/${line}.pkrvars.hcl`, sha256: 'b'.repeat(64) }],
    install_media: { iso_path: `[datastore1] iso/${line}.iso`, iso_checksum: `sha256:${'c'.repeat(64)}`, files: [] },
    target: { platform: 'vsphere', vcenter: 'vcenter.example.test', datacenter: 'DC0', folder: 'Templates', template_name: `${line}-build` },
    artifact: { artifact_id: `${line}-build`, packer_run_uuid: '6f1b5a3e-0000-4000-8000-000000000001', builder_type: 'vsphere-iso' },
    ...overrides,
  };
}

/** Promotion details approving `build`. */
export function promotionDetails(line: string, build: WrittenRecord, overrides: Partial<PromotionDetails> = {}): PromotionDetails {
  return {
    action: 'promote',
    line,
    job_id: '8',
    requested_by: { source: 'github', user: 'alice' },
    approved_by: [{ source: 'github', user: 'bob' }],
    started_at: '2026-11-24T09:00:00Z',
    finished_at: '2026-11-24T09:01:00Z',
    build: { record: build.record, sums_sha256: build.sumsSha256 },
    pull_request: { url: 'https://github.example.test/acme/images/pull/3', number: 3 },
    target: { platform: 'vsphere', vcenter: 'vcenter.example.test', datacenter: 'DC0', folder: 'Templates', template_name: line },
    steps: [{ name: 'rename ubuntu-24.04-build to ubuntu-24.04', result: 'ok', detail: '', at: '2026-11-24T09:00:30Z' }],
    ...overrides,
  };
}

export interface Chain {
  root: string;
  allowedSigners: string;
  signer: RecordSigner;
  records: WrittenRecord[];
}

/**
 * Writes a clean chain with the real writer: for each line a build, and a
 * promotion of it when `promote` is set. Each log is `logBytes` long.
 *
 * @example
 * const chain = await writeChain({ lines: ['ubuntu-24.04', 'debian-12', 'ubuntu-24.04'], promote: true });
 */
export async function writeChain(options: { lines: string[]; promote?: boolean; logBytes?: number; dir?: string }): Promise<Chain> {
  const dir = options.dir ?? makeTempDir();
  const { signer, allowedSigners } = makeSigner(dir);
  const root = join(dir, 'records');
  const log = join(dir, 'build.log');
  const records: WrittenRecord[] = [];
  let clock = Date.parse('2026-11-24T08:00:00Z');
  const now = () => new Date((clock += 60_000));
  for (const [index, line] of options.lines.entries()) {
    writeFileSync(log, `==> ${line}: build ${index}\n`.padEnd(options.logBytes ?? 4096, '.'));
    const build = await writeRecord({ root, signer, now, content: { kind: 'build', details: buildDetails(line), log } });
    records.push(build);
    if (options.promote) {
      writeFileSync(log, `govc object.rename ${line}-build ${line}\n`);
      records.push(await writeRecord({ root, signer, now, content: { kind: 'promotion', details: promotionDetails(line, build), log } }));
    }
  }
  return { root, allowedSigners, signer, records };
}
