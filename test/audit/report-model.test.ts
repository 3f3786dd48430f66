import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportModelSchema, type ReportModel } from '../../src/audit/report-model.js';
import { writeRecord } from '../../src/evidence/write-record.js';
import { writeRevocationRecord } from '../../src/evidence/write-revocation-record.js';
import { runCli } from '../helpers/run-cli.js';
import { buildDetails, makeSigner, makeTempDir, promotionDetails } from '../helpers/write-chain.js';
import { edit } from './helpers/tamper.js';

/**
 * A chain whose changes fall on known days, each side of the period
 * 2026-11-02 .. 2026-11-10 by one second:
 *   build A (ubuntu) 11-01 23:59:59, promotion of A 11-02 00:00:00,
 *   build B (debian) 11-10 23:59:59, rollback (ubuntu) 11-11 00:00:00.
 */
async function writeDatedChain(dir: string) {
  const { signer, allowedSigners } = makeSigner(dir);
  const root = join(dir, 'records');
  const log = join(dir, 'log');
  writeFileSync(log, '==> build\n');
  let clock = Date.parse('2026-11-01T00:00:00Z');
  const now = () => new Date((clock += 60_000));
  const build = (line: string, at: string) => writeRecord({ root, signer, now, content: { kind: 'build', details: buildDetails(line, { started_at: at, finished_at: at }), log } });
  const a = await build('ubuntu-24.04', '2026-11-01T23:59:59Z');
  const promotion = await writeRecord({ root, signer, now, content: { kind: 'promotion', details: promotionDetails('ubuntu-24.04', a, { started_at: '2026-11-02T00:00:00Z', finished_at: '2026-11-02T00:00:00Z' }), log } });
  const b = await build('debian-12', '2026-11-10T23:59:59Z');
  const rollback = await writeRecord({
    root,
    signer,
    now,
    content: { kind: 'promotion', details: promotionDetails('ubuntu-24.04', a, { action: 'rollback', approved_by: [], started_at: '2026-11-11T00:00:00Z', finished_at: '2026-11-11T00:00:00Z' }), log },
  });
  return { root, signer, allowedSigners, a, promotion, b, rollback };
}

async function report(args: string[], dir: string): Promise<{ exitCode: number; stdout: string; stderr: string; model: ReportModel }> {
  const out = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const result = await runCli(['report', ...args, '--format', 'json', '--out', out]);
  expect(result.stderr).toBe('');
  return { ...result, model: reportModelSchema.parse(JSON.parse(readFileSync(out, 'utf8'))) };
}

describe('goldsmith report --format json', () => {
  let dir: string;
  let chain: Awaited<ReturnType<typeof writeDatedChain>>;

  beforeAll(async () => {
    dir = makeTempDir('goldsmith-report-model-');
    chain = await writeDatedChain(dir);
  });

  it('keeps the changes of the period, both days inclusive (UTC), and the numbers of goldsmith audit --json', async () => {
    const { exitCode, stdout, model } = await report([chain.root, '--from', '2026-11-02', '--to', '2026-11-10', '--allowed-signers', chain.allowedSigners], dir);
    expect(model.changes.map((change) => [change.record, change.action])).toEqual([
      [chain.promotion.record, 'promote'],
      [chain.b.record, 'build'],
    ]);
    expect(model.population).toEqual({ total: 2, builds: 1, promotions: 1, rollbacks: 0 });
    expect(model.four_eyes).toEqual({ checked: 1, passed: 1, failed: 0 });
    expect(model.period).toEqual({ from: '2026-11-02', to: '2026-11-10' });
    const audit = JSON.parse((await runCli(['audit', chain.root, '--json', '--allowed-signers', chain.allowedSigners])).stdout);
    expect(model.audit.summary).toEqual(audit.summary);
    expect(model.audit.findings).toEqual(audit.findings);
    expect(model.chain).toMatchObject({ records: 5, length: 5, intact: true, head: { record: chain.rollback.record, sums_sha256: chain.rollback.sumsSha256 } });
    expect(model.signers).toMatchObject({ checked: true, keys: [{ identity: 'goldsmith', records: 5 }] });
    const promotion = model.changes[0]!;
    expect(promotion).toMatchObject({
      requester: { source: 'github', user: 'alice' },
      approvers: [{ source: 'github', user: 'bob' }],
      four_eyes: { result: 'pass' },
      sums_sha256: chain.promotion.sumsSha256,
      verdict: { ok: true, on_chain: true, findings: [] },
      build: { record: chain.a.record, sums_sha256: chain.a.sumsSha256 },
      revoked: null,
    });
    expect(model.controls.map((control) => control.id)).toEqual(['CC8.1', 'A.8.32', 'CM-3', 'CM-5', 'AU-9(3)']);
    expect(model.verify.map((step) => step.commands).join('\n')).toContain(`${chain.b.sumsSha256}  ${chain.b.record}/SHA256SUMS`);
    expect(stdout).toContain('2 changes (1 build, 1 promotion, 0 rollbacks), 0 four-eyes failures, 0 revoked; audit: clean, chain intact');
    expect(exitCode).toBe(0);
  });

  it('shows the whole folder without a period, a rollback approved by nobody as a failure, and exits 1', async () => {
    const { exitCode, model } = await report([chain.root], dir);
    expect(model.population).toEqual({ total: 4, builds: 2, promotions: 1, rollbacks: 1 });
    expect(model.changes.at(-1)).toMatchObject({ record: chain.rollback.record, action: 'rollback', four_eyes: { result: 'fail', detail: 'approved by nobody' } });
    expect(model.four_eyes).toEqual({ checked: 2, passed: 1, failed: 1 });
    expect(model.signers.checked).toBe(false);
    expect(exitCode).toBe(1);
  });

  it('still writes a report for a period without changes, and says so', async () => {
    const out = join(dir, 'empty.html');
    const result = await runCli(['report', chain.root, '--from', '2027-01-01', '--to', '2027-03-31', '--out', out]);
    expect(result.stdout).toContain('0 changes (0 builds, 0 promotions, 0 rollbacks)');
    expect(result.exitCode).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Change evidence: 2027-01-01 to 2027-03-31 (UTC, inclusive)');
    expect(html).toContain('No builds, promotions or rollbacks took place in this period. The records folder holds 5 records in all');
  });

  it('gives findings the audit makes, and a broken chain, as the audit counts them', async () => {
    const copy = join(makeTempDir('goldsmith-report-model-'), 'records');
    cpSync(chain.root, copy, { recursive: true });
    edit(join(copy, chain.b.record, 'packer.log'), () => 'edited\n');
    edit(join(copy, chain.promotion.record, 'SHA256SUMS'), (text) => text.replace(/^[0-9a-f]/, (digit) => (digit === '0' ? '1' : '0')));
    const { exitCode, model } = await report([copy], dir);
    const audit = JSON.parse((await runCli(['audit', copy, '--json'])).stdout);
    expect(audit.summary.findings).toBeGreaterThan(2);
    expect(model.audit.summary).toEqual(audit.summary);
    expect(model.audit.findings).toEqual(audit.findings);
    expect(model.chain.intact).toBe(false);
    const build = model.changes.find((change) => change.record === chain.b.record)!;
    expect(build.verdict.ok).toBe(false);
    expect(build.verdict.findings.map((finding) => finding.file)).toContain('packer.log');
    expect(exitCode).toBe(1);
  });

  it('with --matrix, ages each line\'s live template against its max_age_days, and says so in the page', async () => {
    const matrix = join(dir, 'matrix.json');
    const entry = (key: string, extra: Record<string, unknown>) => ({ key, enabled: true, os: 'linux', dist: 'ubuntu', version: '24.04', platform: 'local', build_dir: 'ok', config: 'ok.pkrvars.hcl', base_name: key, ...extra });
    writeFileSync(matrix, JSON.stringify([entry('ubuntu-24.04', { max_age_days: 10 }), entry('debian-12', {})]));
    const { model } = await report([chain.root, '--matrix', matrix], dir);
    // The live ubuntu template is build A (promoted, then restored by the rollback), finished 2026-11-01: over 10 days old by now.
    expect(model.templates.matrix).toBe(matrix);
    expect(model.templates.lines).toEqual([
      { line: 'ubuntu-24.04', live_build: chain.a.record, age_days: expect.any(Number), max_age_days: 10, expired: true, revoked: false },
      { line: 'debian-12', live_build: null, age_days: null, max_age_days: null, expired: false, revoked: false },
    ]);
    expect(model.templates.lines[0]!.age_days).toBeGreaterThan(10);
    const html = join(dir, 'aged.html');
    expect((await runCli(['report', chain.root, '--matrix', matrix, '--out', html])).exitCode).toBe(1);
    expect(readFileSync(html, 'utf8')).toMatch(/1 line of <code>[^<]*matrix\.json<\/code> has a live template older than its <code>max_age_days<\/code>/);
    expect(readFileSync(html, 'utf8')).toContain('EXPIRED');

    const broken = await runCli(['report', chain.root, '--matrix', join(dir, 'nope.json'), '--out', join(dir, 'x.html')]);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain('--matrix');
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });

  it('flags a revoked build, and the promotion that put it live, until a newer record unrevokes it', async () => {
    const copy = join(makeTempDir('goldsmith-report-model-'), 'records');
    cpSync(chain.root, copy, { recursive: true, verbatimSymlinks: true });
    // Sealed by the real writer into the copied chain, with the chain's key.
    const { signer } = chain;
    let clock = Date.parse('2026-11-12T09:00:00Z');
    const revocation = (action: 'revoke' | 'unrevoke', reason: string) =>
      writeRevocationRecord({
        root: copy,
        signer,
        now: () => new Date((clock += 60_000)),
        details: { action, line: 'ubuntu-24.04', requested_by: { source: 'cli', user: 'erin' }, reason, build: { record: chain.a.record, sums_sha256: chain.a.sumsSha256 }, pull_request: null },
      });
    const revoked = await revocation('revoke', 'CVE-2026-0001 in the base image');
    let { model, exitCode } = await report([copy, '--allowed-signers', chain.allowedSigners], dir);
    expect(exitCode).toBe(1);
    const flagged = model.changes.filter((change) => change.revoked).map((change) => change.record);
    expect(flagged.sort()).toEqual([chain.a.record, chain.promotion.record, chain.rollback.record].sort());
    expect(model.revoked).toBe(3);
    expect(model.changes.find((change) => change.record === chain.a.record)!.revoked).toMatchObject({ by: 'erin', reason: 'CVE-2026-0001 in the base image', record: revoked.record });
    expect(model.revocations).toHaveLength(1);

    await revocation('unrevoke', 'patched image verified');
    ({ model, exitCode } = await report([copy, '--allowed-signers', chain.allowedSigners], dir));
    expect(model.audit.findings).toEqual([]);
    expect(model.revoked).toBe(0);
    expect(model.revocations.map((entry) => entry.action)).toEqual(['revoke', 'unrevoke']);
  });
});

describe('goldsmith report, bad input', () => {
  let root: string;
  let dir: string;

  beforeAll(async () => {
    dir = makeTempDir('goldsmith-report-input-');
    root = (await writeDatedChain(dir)).root;
  });

  it.each([
    [['--from', '2026-13-01'], '--from is not a calendar day: check the month (01-12) and the day of the month'],
    [['--to', '2026-02-30'], '--to is not a calendar day'],
    [['--from', '1/11/2026'], '--from must be a day as YYYY-MM-DD (UTC), for example 2026-01-31'],
    [['--from', '2026-11-10', '--to', '2026-11-02'], '--from is after --to: give the earlier day first'],
    [['--format', 'pdf'], '--format pdf is not known: --format must be html or json'],
    [['--allowed-signers', '/nonexistent/allowed_signers'], 'cannot read --allowed-signers /nonexistent/allowed_signers: ENOENT; get allowed_signers from your platform team'],
  ])('%j exits 2, says what to fix, and writes nothing', async (args, message) => {
    const out = join(dir, 'report.html');
    const result = await runCli(['report', root, ...args, '--out', out]);
    expect(result.stderr).toContain(`goldsmith report: ${message}`);
    expect(result.exitCode).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to write into the records folder, and a records folder that is not there', async () => {
    const inside = await runCli(['report', root, '--out', join(root, 'report.html')]);
    expect(inside.stderr).toContain('is inside the records folder, which goldsmith never writes reports into; write the report elsewhere');
    expect(inside.exitCode).toBe(2);
    expect(existsSync(join(root, 'report.html'))).toBe(false);
    const missing = await runCli(['report', join(dir, 'no-such-records'), '--out', join(dir, 'r.html')]);
    expect(missing.stderr).toMatch(/^goldsmith report: (?!internal error)/);
    expect(missing.exitCode).toBe(2);
  });

  it('needs --out, and says so', async () => {
    const result = await runCli(['report', root]);
    expect(result.stderr).toContain("required option '--out <file>' not specified");
    expect(result.exitCode).toBe(2);
  });
});

