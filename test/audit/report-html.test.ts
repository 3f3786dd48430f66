import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSigner } from '../../src/evidence/read-signer.js';
import { writeRecord, type WrittenRecord } from '../../src/evidence/write-record.js';
import { runCli } from '../helpers/run-cli.js';
import { runPackerFixture } from '../helpers/run-packer-fixture.js';
import { makeTempDir, promotionDetails } from '../helpers/write-chain.js';

const HOSTILE = '<script>alert("owned")</script>';
const CHROMIUM = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions', '--disable-background-networking'];

/** Runs Debian's chromium as the brief's assessor would open the file; each run gets its own profile. */
async function chromium(args: string[], dir: string, name: string) {
  const result = await execa('chromium', [...CHROMIUM, `--user-data-dir=${join(dir, `profile-${name}`)}`, ...args], { reject: false, timeout: 60_000 });
  expect(result.exitCode, String(result.stderr).slice(-2000)).toBe(0);
  return String(result.stdout);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('goldsmith report, rendered by headless Chromium', () => {
  let dir: string;
  let records: string;
  let allowedSigners: string;
  let html: string;
  let pdfText: string;
  let dom: string;
  let png: Buffer;
  let pdf: Buffer;
  let audit: { summary: Record<string, number | boolean>; findings: unknown[] };
  let reportRun: { exitCode: number; stdout: string };
  let builds: string[];
  let promotions: WrittenRecord[];

  beforeAll(async () => {
    dir = makeTempDir('goldsmith-report-');
    records = join(dir, 'records');
    const packer = await runPackerFixture('null-ok');
    expect(packer.exitCode).toBe(0);
    expect((await runCli(['keygen', '--out', join(dir, 'key')])).exitCode).toBe(0);
    allowedSigners = join(dir, 'key', 'allowed_signers');
    // Builds as an operator seals them; one requester's name is hostile markup.
    for (const [line, user] of [['ubuntu-24.04', HOSTILE], ['debian-12', 'alice'], ['ubuntu-24.04', 'carol']] as const) {
      const seal = await runCli(['seal', '--line', line, '--log', packer.log, '--manifest', packer.manifest, '--records', records, '--key', join(dir, 'key', 'signing.key'), '--requested-by', user], { cwd: dir });
      expect(seal.exitCode, seal.stderr).toBe(0);
    }
    builds = JSON.parse((await runCli(['audit', records, '--json'])).stdout).records
      .filter((r: { kind: string }) => r.kind === 'build')
      .sort((a: { seq: number }, b: { seq: number }) => a.seq - b.seq)
      .map((r: { record: string }) => r.record);
    // Promotions as the PR bot and the CLI write them, with the same key and chain.
    const signer = readSigner(join(dir, 'key', 'signing.key'), 'goldsmith');
    const log = join(dir, 'promote.log');
    writeFileSync(log, 'govc object.rename\n');
    const buildOf = (record: string) => ({ record, sumsSha256: digestOf(join(records, record, 'SHA256SUMS')) }) as WrittenRecord;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    promotions = [];
    for (const [line, build, overrides] of [
      ['debian-12', builds[1]!, { requested_by: { source: 'github', user: 'alice' }, approved_by: [{ source: 'github', user: 'bob' }] }],
      ['ubuntu-24.04', builds[2]!, { requested_by: { source: 'cli', user: 'carol' }, approved_by: [{ source: 'cli', user: 'carol' }] }],
      ['ubuntu-24.04', builds[0]!, { action: 'rollback', requested_by: { source: 'slack', user: 'dave' }, approved_by: [], pull_request: null }],
    ] as const) {
      const details = promotionDetails(line, buildOf(build), { ...overrides, started_at: now, finished_at: now } as never);
      promotions.push(await writeRecord({ root: records, signer, content: { kind: 'promotion', details, log } }));
    }

    audit = JSON.parse((await runCli(['audit', records, '--json', '--allowed-signers', allowedSigners])).stdout);
    const out = join(dir, 'report.html');
    reportRun = await runCli(['report', records, '--allowed-signers', allowedSigners, '--out', out]);
    html = readFileSync(out, 'utf8');
    const url = `file://${out}`;
    const [, , dumped] = await Promise.all([
      chromium([`--screenshot=${join(dir, 'report.png')}`, '--window-size=1280,2000', url], dir, 'png'),
      chromium([`--print-to-pdf=${join(dir, 'report.pdf')}`, '--no-pdf-header-footer', url], dir, 'pdf'),
      chromium(['--dump-dom', url], dir, 'dom'),
    ]);
    dom = dumped;
    png = readFileSync(join(dir, 'report.png'));
    pdf = readFileSync(join(dir, 'report.pdf'));
    pdfText = String((await execa('pdftotext', [join(dir, 'report.pdf'), '-'])).stdout);
    writeFileSync(join(dir, 'report.txt'), pdfText);
  }, 120_000);

  it('writes the report, says what it found, and exits 1 for the four-eyes failures of a clean folder', () => {
    expect(audit.summary.findings).toBe(0);
    expect(reportRun.stdout).toContain('6 changes (3 builds, 2 promotions, 1 rollback), 2 four-eyes failures, 0 revoked; audit: clean, chain intact');
    expect(reportRun.exitCode).toBe(1);
  });

  it('is one self-contained page: inline CSS, no script, no external resource', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
  });

  it('Chromium renders a first-page screenshot and prints a multi-page PDF', () => {
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // 1280x2000 (IHDR) of real content, not a blank page.
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBe(2000);
    expect(statSync(join(dir, 'report.png')).size).toBeGreaterThan(50_000);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    expect(pdfText.split('\f').filter((page) => page.trim()).length).toBeGreaterThanOrEqual(2);
  });

  it('shows the population count and each change, as printed', () => {
    expect(flatten(pdfText)).toContain('The complete population of changes in the period: 6 changes (3 builds, 2 promotions, 1 rollback)');
    for (const record of [...builds, ...promotions.map((p) => p.record)]) expect(pdfText.replace(/\s+/g, '')).toContain(record);
  });

  it('shows a promotion approved only by its requester and a rollback approved by nobody as FAILURE, and the independent approval as PASS', () => {
    expect(pdfText).toContain('FOUR-EYES FAILURES: 2 of 3 promotions and rollbacks');
    const flat = pdfText.replace(/\s+/g, ' ');
    expect(flat).toContain(`FAILURE: promotion ${promotions[1]!.record} requested by carol: approved only by its requester carol`);
    expect(flat).toContain(`FAILURE: rollback ${promotions[2]!.record} requested by dave: approved by nobody`);
    // The table's rows as Chromium laid them out (the PDF wraps cell text anywhere, so rows are read from its DOM).
    expect(rowText(dom, promotions[0]!.record)).toContain('alice (github) bob (github) PASS approved by bob, not the requester');
    expect(rowText(dom, promotions[1]!.record)).toContain('carol (cli) carol (cli) FAILURE approved only by its requester carol');
    expect(rowText(dom, promotions[2]!.record)).toContain('dave (slack) nobody FAILURE approved by nobody');
    expect(rowText(dom, builds[1]!)).toContain('alice (cli) - n/a (build)');
  });

  it('states the numbers of goldsmith audit --json', () => {
    const s = audit.summary;
    const row = /<tr id="audit-summary">(.*?)<\/tr>/.exec(dom)![1]!.match(/<td>(.*?)<\/td>/g)!.map((cell) => cell.replace(/<[^>]+>/g, ''));
    expect(row).toEqual([s.records, s.init, s.builds, s.promotions, s.findings, s.recordsWithFindings].map(String).concat('yes'));
    expect(pdfText).toContain('Verdict: CLEAN. Every record verified.');
    expect(/id="chain-records">(\d+)</.exec(dom)![1]).toBe(String(s.records));
    expect(pdfText).toMatch(/INTACT: every record links to the one before it/);
  });

  it('shows each evidence digest, the signer fingerprint, the controls and the commands to re-verify', () => {
    const digest = digestOf(join(records, promotions[0]!.record, 'SHA256SUMS'));
    expect(dom).toContain(digest);
    const fingerprint = JSON.parse(readFileSync(join(records, promotions[0]!.record, 'run.json'), 'utf8')).signer.fingerprint as string;
    expect(pdfText).toContain(fingerprint);
    for (const control of ['CC8.1', 'A.8.32', 'CM-3', 'CM-5', 'AU-9(3)']) expect(pdfText).toContain(control);
    expect(pdfText).toContain('sha256sum -c HEAD');
    expect(pdfText).toContain('ssh-keygen -Y verify -f "$ALLOWED_SIGNERS" -I goldsmith -n goldsmith-record -s SHA256SUMS.sig < SHA256SUMS');
    expect(pdfText).toContain('goldsmith audit . --allowed-signers "$ALLOWED_SIGNERS" --json');
  });

  it('shows a hostile requester name as text, never as markup', () => {
    expect(html).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
    expect(dom).not.toMatch(/<script/i);
    expect(squash(pdfText)).toContain(squash(`${HOSTILE} (cli)`));
    expect(dom).toContain(`${HOSTILE.replace(/</g, '&lt;').replace(/>/g, '&gt;')} <span class="na">(cli)</span>`);
  });
});

/** Text with every run of white space made one space (pdftotext keeps the page's line breaks). */
function flatten(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** The visible text of the population table's row naming `record`. */
function rowText(dom: string, record: string): string {
  const row = dom.split('<tr>').find((part) => part.includes(`<code>${record}</code>`) && part.includes('<td>'));
  expect(row, `no table row names ${record}`).toBeDefined();
  return flatten(row!.replace(/<[^>]+>/g, ' ')).replace(/ +/g, ' ').trim();
}

/** Text without any white space. */
function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

/** SHA-256 of a file, as sha256sum prints it. */
function digestOf(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
