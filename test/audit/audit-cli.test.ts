import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/write-chain.js';
import { cloneChain, removeTestChains, flipByte, relink, snapshotTree, writeTestChain, type TestChain } from './helpers/tamper.js';

// The command's contract: exit codes, --json, --junit, and never writing to the records.
let template: TestChain;
beforeAll(async () => {
  template = await writeTestChain();
});
afterAll(removeTestChains);

/** A chain with one finding in a record and one about a pointer. */
function tampered(): TestChain {
  const chain = cloneChain(template);
  flipByte(join(chain.all[3]!.path, 'packer.log'));
  relink(join(chain.root, 'builds/ubuntu-24.04/latest'), '/etc');
  return chain;
}

/** Enough of an XML parser to prove the report is well-formed: balanced tags, quoted attributes, escaped text. */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body))) {
    consumed = token.lastIndex;
    const [, closing, name, , selfClosing, text] = match;
    if (text !== undefined) {
      expect(text.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toMatch(/[&>]/);
      continue;
    }
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  expect(consumed).toBe(body.length);
  expect(stack).toEqual([]);
}

describe('goldsmith audit, the command', () => {
  it('exits 2 when DIR does not exist or is not a folder', async () => {
    const dir = makeTempDir('goldsmith-audit-cli-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const missing = await runCli(['audit', join(dir, 'nope')]);
    expect(missing.stderr).toContain(`cannot read the records folder ${join(dir, 'nope')}: ENOENT`);
    expect(missing.exitCode).toBe(2);
    writeFileSync(join(dir, 'file'), '');
    const file = await runCli(['audit', join(dir, 'file')]);
    expect(file.stderr).toContain('is not a directory');
    expect(file.exitCode).toBe(2);
  });

  it('an empty records folder is clean', async () => {
    const dir = makeTempDir('goldsmith-audit-cli-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'records'));
    const { exitCode, stdout } = await runCli(['audit', join(dir, 'records')]);
    expect(stdout).toBe('audited 0 records (0 init, 0 builds, 0 promotions): clean');
    expect(exitCode).toBe(0);
  });

  it('--json prints the report as JSON listing each finding', async () => {
    const chain = tampered();
    const { exitCode, stdout } = await runCli(['audit', chain.root, '--json']);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      findings: Array<{ record: string; file: string; message: string; severity: string }>;
      notices: unknown[];
      records: Array<{ record: string; ok: boolean; seq: number; onChain: boolean }>;
      summary: { records: number; findings: number; recordsWithFindings: number; otherFindings: number };
    };
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([
      { record: chain.all[3]!.record, file: 'packer.log', message: 'SHA-256 does not match SHA256SUMS (edited or truncated)', severity: 'error' },
      { record: 'builds/ubuntu-24.04', file: 'latest', message: 'points at the absolute path /etc; not followed (latest must name a record folder beside it)', severity: 'error' },
    ]);
    expect(report.notices).toHaveLength(1);
    expect(report.records).toHaveLength(7);
    expect(report.records.find((r) => r.record === chain.all[3]!.record)).toEqual(expect.objectContaining({ ok: false, seq: 3, onChain: true }));
    expect(report.summary).toEqual(expect.objectContaining({ records: 7, findings: 2, recordsWithFindings: 1, otherFindings: 1 }));
    expect(exitCode).toBe(1);
  });

  it('--junit writes well-formed JUnit XML with one testcase per record and the failures', async () => {
    const chain = tampered();
    const junit = join(chain.dir, 'audit.xml');
    const { exitCode, stdout } = await runCli(['audit', chain.root, '--junit', junit]);
    expect(stdout).toMatch(/: 2 findings in 1 record and 1 about pointers or the folder layout$/m);
    const xml = readFileSync(junit, 'utf8');
    assertWellFormedXml(xml);
    expect(xml).toContain('<testsuites name="goldsmith audit" tests="8" failures="2" errors="0">');
    expect(xml.match(/<testcase /g)).toHaveLength(8);
    expect(xml).toContain(`<testcase classname="goldsmith.audit.build" name="${chain.all[3]!.record}">`);
    expect(xml).toContain(`<failure type="finding" message="${chain.all[3]!.record}: packer.log: SHA-256 does not match SHA256SUMS (edited or truncated)">`);
    expect(xml).toContain(`<testcase classname="goldsmith.audit.promotion" name="${chain.all[4]!.record}"/>`);
    expect(exitCode).toBe(1);
  });

  it('--junit inside the records folder is refused with exit 2', async () => {
    const chain = cloneChain(template);
    const { exitCode, stderr } = await runCli(['audit', chain.root, '--junit', join(chain.root, 'audit.xml')]);
    expect(stderr).toContain('is inside the records folder, which the audit never writes to');
    expect(exitCode).toBe(2);
  });

  it('writes nothing into the records folder', async () => {
    const chain = tampered();
    writeFileSync(join(chain.root, '.pending'), '{"record":"builds/x/20260101T000000Z","kind":"build","line":"x","ts":"20260101T000000Z","sumsSha256":"00"}\n');
    const before = snapshotTree(chain.dir);
    for (const extra of [[], ['--json'], ['--allowed-signers', chain.allowedSigners]]) {
      const { exitCode } = await runCli(['audit', chain.root, ...extra]);
      expect(exitCode).toBe(1);
    }
    expect(snapshotTree(chain.dir)).toEqual(before);
  });
});
