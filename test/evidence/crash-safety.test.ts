import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/write-chain.js';

// The kill lands (trial * 7) % 23 ms after the first record: 23 trials hit each of those 23 points once
// (7 and 23 are coprime), across the length of one append.
const TRIALS = 23;
const script = new URL('../fixtures/append-records.mjs', import.meta.url).pathname;

function visibleRecords(root: string, line: string): string[] {
  try {
    return readdirSync(join(root, 'builds', line)).filter((name) => !name.startsWith('.') && name !== 'latest');
  } catch {
    return [];
  }
}

describe('a writer killed with SIGKILL', () => {
  it(`never leaves a partial record visible, over ${TRIALS} kills at varied points, and the next write continues the chain`, async () => {
    const dir = makeTempDir();
    const root = join(dir, 'records');
    expect((await runCli(['keygen', '--out', join(dir, 'key')])).exitCode).toBe(0);
    const key = join(dir, 'key', 'signing.key');
    let sealed = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const writer = execa('node', [script, root, key, 'ubuntu-24.04'], { reject: false });
      // Let it start and seal a few records, then kill it somewhere inside an append: the delay sweeps across one append's length.
      await new Promise<void>((resolve) => {
        let seen = 0;
        writer.stdout!.on('data', (chunk: Buffer) => {
          seen += chunk.toString().split('\n').length - 1;
          if (seen >= 1) setTimeout(resolve, (trial * 7) % 23);
        });
        void writer.finally(() => resolve());
      });
      writer.kill('SIGKILL');
      await writer;
      const audit = await runCli(['audit', root]);
      expect(audit.stdout + audit.stderr, `trial ${trial}`).toMatch(/clean/);
      expect(audit.exitCode, `trial ${trial}: ${audit.stdout}`).toBe(0);
      sealed = visibleRecords(root, 'ubuntu-24.04').length;
    }
    const next = await execa('node', [script, root, key, 'ubuntu-24.04', '1']);
    expect(Number(next.stdout.trim())).toBe(sealed + 1);
    const audit = await runCli(['audit', root]);
    expect(audit.exitCode, audit.stdout).toBe(0);
  }, 300_000);
});
