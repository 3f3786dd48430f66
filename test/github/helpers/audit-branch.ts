import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { auditRecords } from '../../../src/audit/audit-records.js';
import type { AuditReport } from '../../../src/audit/audit-types.js';
import { parseAllowedSigners } from '../../../src/audit/parse-allowed-signers.js';
import type { RecordSigner } from '../../../src/evidence/write-record.js';
import type { FakeGitHub } from '../../fakes/github-api.js';
import { makeTempDir } from '../../helpers/write-chain.js';

/** The allowed_signers list an assessor would hold for the test's signing key. */
export function allowedSignersOf(signer: RecordSigner) {
  return parseAllowedSigners(`${signer.identity} namespaces="goldsmith-record" ${signer.key.publicLine}\n`, 'allowed_signers');
}

/**
 * Checks out a branch of the fake repository as an assessor would (files,
 * and `latest` as a symbolic link) and audits its records/ folder.
 */
export async function auditBranch(github: FakeGitHub, branch: string, signer: RecordSigner): Promise<AuditReport> {
  const dir = makeTempDir('goldsmith-checkout-');
  for (const [path, file] of github.files(branch)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    if (file.mode === '120000') symlinkSync(file.content.toString('utf8'), target);
    else writeFileSync(target, file.content);
  }
  return auditRecords(join(dir, 'records'), { allowedSigners: allowedSignersOf(signer), threads: 1 });
}
