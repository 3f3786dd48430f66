import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RevocationDetails } from '../../src/evidence/run-schema.js';
import { writeRecord } from '../../src/evidence/write-record.js';
import { writeRevocationRecord } from '../../src/evidence/write-revocation-record.js';
import { runCli } from '../helpers/run-cli.js';
import { promotionDetails, writeChain, type Chain } from '../helpers/write-chain.js';

/** Revocation records through `goldsmith audit`: chained and verified like the others, checked against the build they name. */
const LINE = 'ubuntu-24.04';
const audit = (chain: Chain) => runCli(['audit', chain.root, '--allowed-signers', chain.allowedSigners]);
const revocation = (chain: Chain, overrides: Partial<RevocationDetails> = {}): RevocationDetails => ({
  action: 'revoke',
  line: LINE,
  requested_by: { source: 'cli', user: 'carol' },
  reason: 'CVE-2026-1234 in openssl',
  build: { record: chain.records[0]!.record, sums_sha256: chain.records[0]!.sumsSha256 },
  pull_request: null,
  ...overrides,
});

describe('goldsmith audit and revocation records', () => {
  it('verifies a revocation like any record, and warns (exit 0) that the live template is revoked', async () => {
    const chain = await writeChain({ lines: [LINE], promote: true });
    const sealed = await writeRevocationRecord({ root: chain.root, signer: chain.signer, details: revocation(chain) });
    const result = await audit(chain);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      `NOTE ${sealed.record}: the live template of ${LINE} is ${chain.records[0]!.record} (installed by ${chain.records[1]!.record}), which this record revokes: CVE-2026-1234 in openssl.`,
    );
    expect(result.stdout).toMatch(/audited 4 records \(1 init, 1 build, 1 promotion, 1 revocation\): clean$/m);

    // Lifted: no more warning.
    await writeRevocationRecord({ root: chain.root, signer: chain.signer, details: revocation(chain, { action: 'unrevoke', reason: 'not affected' }) });
    const lifted = await audit(chain);
    expect(lifted.exitCode).toBe(0);
    expect(lifted.stdout).not.toContain('NOTE');
  });

  it('fails a revocation that names a missing build, or a build that no longer hashes as named; notes a promotion of a revoked build', async () => {
    const chain = await writeChain({ lines: [LINE] });
    const missing = await writeRevocationRecord({ root: chain.root, signer: chain.signer, details: revocation(chain, { build: { record: `builds/${LINE}/20200101T000000Z`, sums_sha256: 'e'.repeat(64) } }) });
    const changed = await writeRevocationRecord({ root: chain.root, signer: chain.signer, details: revocation(chain, { build: { record: chain.records[0]!.record, sums_sha256: 'f'.repeat(64) } }) });
    const good = await writeRevocationRecord({ root: chain.root, signer: chain.signer, details: revocation(chain) });
    const log = join(chain.root, '..', 'promote.log');
    writeFileSync(log, 'rename\n');
    const promotion = await writeRecord({ root: chain.root, signer: chain.signer, content: { kind: 'promotion', log, details: promotionDetails(LINE, chain.records[0]!) } });
    const result = await audit(chain);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`FAIL ${missing.record}: run.json: revokes builds/${LINE}/20200101T000000Z, which is not a record (deleted or moved?)`);
    expect(result.stdout).toContain(`FAIL ${changed.record}: run.json: names ${chain.records[0]!.record} with SHA256SUMS SHA-256 ffffffffffffffff…, but it is now ${chain.records[0]!.sumsSha256.slice(0, 16)}…: the build record changed`);
    expect(result.stdout).toContain(`NOTE ${promotion.record}: run.json: installed ${chain.records[0]!.record}, which ${good.record} had revoked (CVE-2026-1234 in openssl)`);
  });

  it('refuses to seal a revocation without a reason or with more than one paragraph', async () => {
    const chain = await writeChain({ lines: [LINE] });
    await expect(writeRevocationRecord({ root: chain.root, signer: chain.signer, details: revocation(chain, { reason: '' }) })).rejects.toThrow(/reason/);
    await expect(writeRevocationRecord({ root: chain.root, signer: chain.signer, details: revocation(chain, { reason: 'a\n\nb' }) })).rejects.toThrow(/one paragraph/);
    expect((await audit(chain)).exitCode).toBe(0);
  });
});
