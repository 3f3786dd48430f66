import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords } from '../../src/audit/audit-records.js';
import { AuditInputError } from '../../src/audit/audit-input-error.js';
import { parseAllowedSigners } from '../../src/audit/parse-allowed-signers.js';
import { readFileSync } from 'node:fs';
import { cloneChain, removeTestChains, flipByte, writeTestChain, type TestChain } from './helpers/tamper.js';

// The core as a library (the GitHub bot calls it): from TypeScript sources it hashes on its own thread.
let template: TestChain;
beforeAll(async () => {
  template = await writeTestChain(['ubuntu-24.04'], true);
});
afterAll(removeTestChains);

describe('auditRecords', () => {
  it('returns a clean report for an intact chain', async () => {
    const chain = cloneChain(template);
    const report = await auditRecords(chain.root, { allowedSigners: parseAllowedSigners(readFileSync(chain.allowedSigners, 'utf8'), 'allowed_signers') });
    expect(report.ok).toBe(true);
    expect(report.findings).toEqual([]);
    expect(report.notices).toEqual([]);
    expect(report.records.map((r) => [r.kind, r.seq, r.onChain, r.ok])).toEqual([
      ['build', 1, true, true],
      ['init', 0, true, true],
      ['promotion', 2, true, true],
    ]);
    expect(report.summary).toEqual({ records: 3, init: 1, builds: 1, promotions: 1, revocations: 0, media: 0, findings: 0, recordsWithFindings: 0, otherFindings: 0, signersChecked: true });
  });

  it('reports findings with record, file, message and severity', async () => {
    const chain = cloneChain(template);
    flipByte(join(chain.all[1]!.path, 'packer.log'));
    const report = await auditRecords(chain.root);
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([{ record: chain.all[1]!.record, file: 'packer.log', message: 'SHA-256 does not match SHA256SUMS (edited or truncated)', severity: 'error' }]);
    expect(report.notices.map((n) => n.severity)).toEqual(['notice']);
  });

  it('throws AuditInputError when the folder cannot be read', async () => {
    await expect(auditRecords(join(template.dir, 'missing'))).rejects.toThrow(AuditInputError);
  });
});
