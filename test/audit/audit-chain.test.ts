import { cpSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHead } from '../../src/evidence/pointers.js';
import { runCli } from '../helpers/run-cli.js';
import { cloneChain, removeTestChains, edit, overwrite, relink, resealFrom, sumsDigest, writeTestChain, type TestChain } from './helpers/tamper.js';

// Tampering with the chain as a whole: deletions, swaps, copies, seq gaps and the pointers.
let template: TestChain;
beforeAll(async () => {
  template = await writeTestChain();
});
afterAll(removeTestChains);

const audit = (chain: TestChain, ...extra: string[]) => runCli(['audit', chain.root, ...extra]);
const failLines = (stdout: string): string[] => stdout.split('\n').filter((line) => line.startsWith('FAIL '));

describe('the chain', () => {
  it('a record deleted from the middle is reported on the next record only: its PREV and a seq gap', async () => {
    const chain = cloneChain(template);
    const [deleted, next] = [chain.all[2]!, chain.all[3]!];
    rmSync(deleted.path, { recursive: true });
    const { exitCode, stdout } = await audit(chain);
    expect(failLines(stdout)).toEqual([
      `FAIL ${next.record}: run.json: seq 3 follows seq 1 (${chain.all[1]!.record}): the record with seq 2 is missing (deleted?)`,
      `FAIL ${next.record}: PREV: names ${deleted.record}/SHA256SUMS, which does not exist (deleted?); the previous record in seq order is ${chain.all[1]!.record} (seq 1)`,
    ]);
    expect(stdout).toMatch(/^audited 6 records .*: 2 findings in 1 record$/m);
    expect(exitCode).toBe(1);
  });

  it('the init record deleted leaves the first build pointing at nothing', async () => {
    const chain = cloneChain(template);
    rmSync(chain.all[0]!.path, { recursive: true });
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${chain.all[1]!.record}: run.json: seq 1 is the oldest on the chain: the record with seq 0 is missing (deleted?)`);
    expect(stdout).toContain(`FAIL ${chain.all[1]!.record}: PREV: names ${chain.all[0]!.record}/SHA256SUMS, but no record precedes this one on the chain (it does not exist: deleted?)`);
    expect(exitCode).toBe(1);
  });

  it('two records swapped are each reported as lying elsewhere than run.json says, and their successors’ PREVs disagree', async () => {
    const chain = cloneChain(template);
    const [a, b] = [chain.all[1]!, chain.all[5]!];
    renameSync(a.path, `${a.path}.x`);
    renameSync(b.path, a.path);
    renameSync(`${a.path}.x`, b.path);
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${a.record}: run.json: names its record ${b.record}, but it lies at ${a.record} (moved, copied or swapped)`);
    expect(stdout).toContain(`FAIL ${b.record}: run.json: names its record ${a.record}, but it lies at ${b.record} (moved, copied or swapped)`);
    expect(stdout).toContain(`FAIL ${chain.all[2]!.record}: PREV: names ${a.record}/SHA256SUMS, but the previous record, with that SHA256SUMS, lies at ${b.record} (seq 1): moved or renamed`);
    expect(exitCode).toBe(1);
  });

  it('a gap in seq (history rewritten by the key holder) is reported where it occurs', async () => {
    const chain = cloneChain(template);
    const record = chain.all[6]!;
    edit(join(record.path, 'run.json'), (text) => text.replace('"seq": 6', '"seq": 7'));
    resealFrom(chain, 6);
    const { exitCode, stdout } = await audit(chain, '--allowed-signers', chain.allowedSigners);
    expect(failLines(stdout)).toEqual([`FAIL ${record.record}: run.json: seq 7 follows seq 5 (${chain.all[5]!.record}): the record with seq 6 is missing (deleted?)`]);
    expect(exitCode).toBe(1);
  });

  it('run.json naming another line than its folder (resealed by the key holder) is a finding', async () => {
    const chain = cloneChain(template);
    const tip = chain.all[6]!;
    edit(join(tip.path, 'run.json'), (text) => text.replace('"line": "ubuntu-24.04"', '"line": "debian-12"'));
    resealFrom(chain, 6);
    const { exitCode, stdout } = await audit(chain, '--allowed-signers', chain.allowedSigners);
    expect(failLines(stdout)).toEqual([
      `FAIL ${tip.record}: run.json: says line debian-12, but the record lies in promotions/ubuntu-24.04/`,
    ]);
    expect(exitCode).toBe(1);
  });

  it('a copied record folder is not on the chain; the original stays clean', async () => {
    const chain = cloneChain(template);
    const original = chain.all[3]!;
    const copy = original.record.replace(/\d{8}T\d{6}Z$/, '20301231T235959Z');
    cpSync(original.path, join(chain.root, copy), { recursive: true });
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${copy}: not on the chain: seq 3 is also claimed by ${original.record}, the record ${chain.all[4]!.record}'s PREV links to`);
    expect(stdout).toContain(`FAIL ${copy}: run.json: names its record ${original.record}, but it lies at ${copy}`);
    expect(stdout).not.toContain(`FAIL ${original.record}`);
    expect(stdout).toMatch(/: 2 findings in 1 record$/m);
    expect(exitCode).toBe(1);
  });

  it('a copy of the newest record is resolved by HEAD', async () => {
    const chain = cloneChain(template);
    const tip = chain.all.at(-1)!;
    const copy = tip.record.replace(/\d{8}T\d{6}Z$/, '20301231T235959Z');
    cpSync(tip.path, join(chain.root, copy), { recursive: true });
    const { stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL ${copy}: not on the chain: seq 6 is also claimed by ${tip.record}, the record HEAD links to`);
    expect(stdout).not.toContain(`FAIL ${tip.record}`);
  });
});

describe('HEAD and latest', () => {
  it('HEAD rolled back to an older record is a finding', async () => {
    const chain = cloneChain(template);
    const older = chain.all[4]!;
    overwrite(join(chain.root, 'HEAD'), formatHead({ record: older.record, sumsSha256: sumsDigest(older) }));
    const { exitCode, stdout } = await audit(chain);
    expect(failLines(stdout)).toEqual([
      `FAIL HEAD: names ${older.record} (seq 4), but the newest record is ${chain.all[6]!.record} (seq 6): HEAD was rolled back, or records were added without moving it`,
    ]);
    expect(stdout).toMatch(/: 1 finding about pointers or the folder layout$/m);
    expect(exitCode).toBe(1);
  });

  it('a changed digit in HEAD is a finding', async () => {
    const chain = cloneChain(template);
    edit(join(chain.root, 'HEAD'), (text) => `${text[0] === '0' ? '1' : '0'}${text.slice(1)}`);
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL HEAD: ${chain.all[6]!.record}/SHA256SUMS has changed since HEAD was moved to it`);
    expect(exitCode).toBe(1);
  });

  it('HEAD missing while records exist is a finding', async () => {
    const chain = cloneChain(template);
    rmSync(join(chain.root, 'HEAD'));
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL HEAD: missing; the newest record is ${chain.all[6]!.record} (seq 6)`);
    expect(exitCode).toBe(1);
  });

  it('latest pointing at an older build of the line is a finding', async () => {
    const chain = cloneChain(template);
    relink(join(chain.root, 'builds/ubuntu-24.04/latest'), chain.all[1]!.ts);
    const { exitCode, stdout } = await audit(chain);
    expect(failLines(stdout)).toEqual([
      `FAIL builds/ubuntu-24.04: latest: points at ${chain.all[1]!.record} (seq 1), but the newest build of the line is ${chain.all[5]!.record} (seq 5): rolled back, or not moved`,
    ]);
    expect(exitCode).toBe(1);
  });

  it('latest pointing at a promotion is a finding', async () => {
    const chain = cloneChain(template);
    relink(join(chain.root, 'builds/ubuntu-24.04/latest'), `../../${chain.all[6]!.record}`);
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL builds/ubuntu-24.04: latest: points at ${chain.all[6]!.record}, a promotion record, not a build`);
    expect(exitCode).toBe(1);
  });

  it.each([
    ['/etc', 'points at the absolute path /etc; not followed (latest must name a record folder beside it)'],
    ['../../../..', 'points at ../../../.., outside the records folder; not followed'],
    ['../../..', 'points at ../../.., outside the records folder; not followed'],
  ])('latest -> %s is a finding and is not followed', async (target, message) => {
    const chain = cloneChain(template);
    relink(join(chain.root, 'builds/debian-12/latest'), target);
    const { exitCode, stdout } = await audit(chain);
    expect(failLines(stdout)).toEqual([`FAIL builds/debian-12: latest: ${message}`]);
    expect(exitCode).toBe(1);
  });

  it('a record folder replaced by a link out of the records is a finding and is not followed', async () => {
    const chain = cloneChain(template);
    const record = chain.all[3]!;
    rmSync(record.path, { recursive: true });
    relink(record.path, '/etc');
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL builds/debian-12: ${record.ts}: is a symbolic link (not followed), not a record folder`);
    expect(stdout).not.toContain('passwd');
    expect(exitCode).toBe(1);
  });
});

describe('an interrupted write', () => {
  // A writer killed after renaming the newest build into place, before moving latest and HEAD.
  async function interrupted(withPending: boolean): Promise<{ chain: TestChain; tip: TestChain['all'][number] }> {
    const chain = cloneChain(plain);
    const [previousBuild, beforeTip, tip] = [chain.all[1]!, chain.all[2]!, chain.all[3]!];
    overwrite(join(chain.root, 'HEAD'), formatHead({ record: beforeTip.record, sumsSha256: sumsDigest(beforeTip) }));
    relink(join(chain.root, 'builds/ubuntu-24.04/latest'), previousBuild.ts);
    if (withPending) {
      const pending = { record: tip.record, kind: 'build', line: 'ubuntu-24.04', ts: tip.ts, sumsSha256: sumsDigest(tip) };
      writeFileSync(join(chain.root, '.pending'), `${JSON.stringify(pending)}\n`);
    }
    return { chain, tip };
  }
  let plain: TestChain;
  beforeAll(async () => {
    plain = await writeTestChain(['ubuntu-24.04', 'debian-12', 'ubuntu-24.04'], false);
  });

  it('is a notice, not a finding, when .pending names the newest record', async () => {
    const { chain, tip } = await interrupted(true);
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`NOTE .pending: interrupted write: ${tip.record} was sealed, but the writer stopped before moving latest and HEAD to it`);
    expect(stdout).toMatch(/: clean$/m);
    expect(exitCode).toBe(0);
  });

  it('without .pending the same state is HEAD and latest rolled back', async () => {
    const { chain } = await interrupted(false);
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toMatch(/^FAIL HEAD: names .* HEAD was rolled back/m);
    expect(stdout).toMatch(/^FAIL builds\/ubuntu-24.04: latest: points at /m);
    expect(exitCode).toBe(1);
  });

  it('a stale .pending naming an older record is a finding: the next write would roll HEAD back', async () => {
    const chain = cloneChain(template);
    const old = chain.all[2]!;
    writeFileSync(join(chain.root, '.pending'), JSON.stringify({ record: old.record, kind: 'promotion', line: 'ubuntu-24.04', ts: old.ts, sumsSha256: sumsDigest(old) }));
    const { exitCode, stdout } = await audit(chain);
    expect(stdout).toContain(`FAIL .pending: names ${old.record}, which is not the newest record as sealed: the next write would move HEAD back to it`);
    expect(exitCode).toBe(1);
  });
});
