import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_TOTO_PAYLOAD_TYPE, signDsse, type DsseEnvelope } from '../../src/evidence/dsse.js';
import { generateSigningKey, type SigningKey } from '../../src/evidence/ssh-keys.js';
import { runCli } from '../helpers/run-cli.js';
import { cloneChain, overwrite, removeTestChains, resealFrom, writeTestChain, type ChainRecord, type TestChain } from './helpers/tamper.js';

// goldsmith audit and the signed provenance: each change below is made by an insider
// who holds the signing key and reseals SHA256SUMS, so only the envelope can tell.
let template: TestChain;
let buildsOnly: TestChain;
beforeAll(async () => {
  template = await writeTestChain(['ubuntu-24.04'], true);
  buildsOnly = await writeTestChain(['ubuntu-24.04'], false);
});
afterAll(removeTestChains);

const FILE = 'provenance.intoto.json';
const audit = (chain: TestChain, ...extra: string[]) => runCli(['audit', chain.root, '--allowed-signers', chain.allowedSigners, ...extra]);
const readEnvelope = (record: ChainRecord): DsseEnvelope => JSON.parse(readFileSync(join(record.path, FILE), 'utf8')) as DsseEnvelope;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const statementOf = (envelope: DsseEnvelope): any => JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));

/** Replaces the newest record's envelope, then reseals it (and HEAD) with the record key. */
function replaceEnvelope(chain: TestChain, envelope: DsseEnvelope): ChainRecord {
  const record = chain.all.at(-1)!;
  overwrite(join(record.path, FILE), `${JSON.stringify(envelope, null, 2)}\n`);
  resealFrom(chain, chain.all.length - 1);
  return record;
}

function resign(envelope: DsseEnvelope, change: (statement: ReturnType<typeof statementOf>) => void, key: SigningKey): DsseEnvelope {
  const statement = statementOf(envelope);
  change(statement);
  return signDsse(Buffer.from(JSON.stringify(statement)), IN_TOTO_PAYLOAD_TYPE, key);
}

describe('goldsmith audit verifies provenance.intoto.json', () => {
  it('passes the envelopes of an intact chain', async () => {
    const { exitCode, stdout } = await audit(cloneChain(template));
    expect(stdout).toBe('audited 3 records (1 init, 1 build, 1 promotion): clean');
    expect(exitCode).toBe(0);
  });

  it('fails a changed payload (the signature no longer covers it), naming the record', async () => {
    const chain = cloneChain(template);
    const envelope = readEnvelope(chain.all.at(-1)!);
    const statement = statementOf(envelope);
    statement.predicate.buildDefinition.externalParameters.approved_by = [{ source: 'github', user: 'mallory' }];
    const record = replaceEnvelope(chain, { ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') });
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${record.record}: ${FILE}: DSSE signature does not verify with the record's signing key ${chain.signer.key.fingerprint}`);
    expect(exitCode).toBe(1);
  });

  it('fails a changed subject even when re-signed with the record key', async () => {
    const chain = cloneChain(template);
    const key = chain.signer.key;
    const record = replaceEnvelope(chain, resign(readEnvelope(chain.all.at(-1)!), (statement) => void (statement.subject[0].digest.sha256 = '0'.repeat(64)), key));
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toMatch(new RegExp(`^FAIL ${record.record}: ${FILE}: names the subject template:ubuntu-24.04 \\(0{64}\\), but run.json says template:ubuntu-24.04 \\([0-9a-f]{64}\\)$`, 'm'));
    expect(stdout).toMatch(/: 1 finding in 1 record$/m);
    expect(exitCode).toBe(1);
  });

  it('fails an envelope signed by a foreign key, in text, --json and --junit', async () => {
    const chain = cloneChain(template);
    const foreign = generateSigningKey('mallory@laptop').key;
    const record = replaceEnvelope(chain, resign(readEnvelope(chain.all.at(-1)!), () => undefined, foreign));
    const { exitCode, stdout } = await audit(chain);
    const reason = `DSSE signature does not verify with the record's signing key ${chain.signer.key.fingerprint} (signed by keyid ${foreign.fingerprint})`;
    expect(stdout).toContain(`FAIL ${record.record}: ${FILE}: ${reason}`);
    expect(exitCode).toBe(1);

    const json = await audit(chain, '--json');
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout).findings).toContainEqual(expect.objectContaining({ record: record.record, file: FILE, message: expect.stringContaining(reason), severity: 'error' }));
    const junit = join(chain.dir, 'audit.xml');
    expect((await audit(chain, '--junit', junit)).exitCode).toBe(1);
    expect(readFileSync(junit, 'utf8')).toContain(`${FILE}: DSSE signature does not verify with the record&apos;s signing key`);
  });

  it('fails a record whose SHA256SUMS lists the provenance when the file is gone', async () => {
    const chain = cloneChain(template);
    const record = chain.all.at(-1)!;
    rmSync(join(record.path, FILE), { force: true });
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${record.record}: ${FILE}: missing (SHA256SUMS lists it: the signed provenance was removed)`);
    expect(exitCode).toBe(1);
  });

  it('passes records written before provenance existed (no file, SHA256SUMS without it)', async () => {
    // A build and a promotion as goldsmith wrote them before: resealing a build would break the approval bound to it, so each is the newest record of its chain.
    const builds = cloneChain(buildsOnly);
    const promotions = cloneChain(template);
    for (const chain of [builds, promotions]) {
      rmSync(join(chain.all.at(-1)!.path, FILE));
      resealFrom(chain, chain.all.length - 1);
      const { exitCode, stdout } = await audit(chain);
      expect(stdout).toMatch(/^audited \d records \(.*\): clean$/);
      expect(exitCode).toBe(0);
    }
  });
});
