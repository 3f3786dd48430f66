import { execa } from 'execa';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeChain } from '../helpers/write-chain.js';

/** The shell block docs/assessor.md tells an assessor to run, exactly as written there. */
function assessorScript(): string {
  const doc = readFileSync(new URL('../../docs/assessor.md', import.meta.url), 'utf8');
  const block = /<!-- assessor-script[^>]*-->\n```sh\n([\s\S]*?)```\n<!-- \/assessor-script -->/.exec(doc)?.[1];
  if (!block) throw new Error('docs/assessor.md lost its assessor-script block');
  return block;
}

async function runAssessorScript(root: string, allowedSigners: string) {
  const script = join(root, '..', 'assess.sh');
  writeFileSync(script, assessorScript());
  return execa('bash', [script], { cwd: root, env: { ALLOWED_SIGNERS: allowedSigners }, reject: false });
}

describe('the assessor path in docs/assessor.md', () => {
  it('passes a clean chain using sha256sum and ssh-keygen alone', async () => {
    const { root, allowedSigners } = await writeChain({ lines: ['ubuntu-24.04', 'windows-server-2025', 'ubuntu-24.04'], promote: true });
    const result = await runAssessorScript(root, allowedSigners);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toMatch(/^builds\/ubuntu-24\.04\/\d{8}T\d{6}Z\/SHA256SUMS: OK$|^promotions\/ubuntu-24\.04\/\d{8}T\d{6}Z\/SHA256SUMS: OK$/);
    expect(result.exitCode).toBe(0);
  });

  it('reports an edited log, a rewritten predecessor and a removed record', async () => {
    const { root, allowedSigners, records } = await writeChain({ lines: ['ubuntu-24.04', 'debian-12', 'rocky-9'] });
    const [first, second, third] = records;
    const log = join(first!.path, 'packer.log');
    chmodSync(log, 0o644);
    writeFileSync(log, 'edited\n');
    const sums = join(second!.path, 'SHA256SUMS');
    chmodSync(sums, 0o644);
    writeFileSync(sums, readFileSync(sums, 'utf8').replace(/^[0-9a-f]/, (digit) => (digit === '0' ? '1' : '0')));
    const result = await runAssessorScript(root, allowedSigners);
    expect(result.stdout).toContain(`FAILED: ${first!.record}/`);
    expect(result.stdout).toContain(`FAILED: ${third!.record}/`);

    const removed = await writeChain({ lines: ['ubuntu-24.04', 'debian-12', 'rocky-9'] });
    renameSync(removed.records[1]!.path, join(root, '..', 'elsewhere'));
    rmSync(join(removed.root, 'builds/debian-12/latest'));
    const gap = await runAssessorScript(removed.root, removed.allowedSigners);
    expect(gap.stdout).toContain(`FAILED: ${removed.records[2]!.record}/`);
    expect(gap.stdout).toContain('seq gap before 3');
    expect(gap.exitCode).toBe(1);
  });
});
