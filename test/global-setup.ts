import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILD = fileURLToPath(new URL('../scripts/build-if-changed.mjs', import.meta.url));

/**
 * Tests drive the real `goldsmith` command, so build it (tsc, then the
 * bundle) before any test runs, unless it is current. Every scratch folder of
 * the run (the tests', goldsmith's, Packer's) goes under one folder, through
 * TMPDIR, which the workers and their child processes inherit; it is removed
 * when the run ends, so runs do not pile up gigabytes in /tmp.
 */
export default async function setup(): Promise<() => void> {
  await execa('node', [BUILD], { stdio: 'inherit' });
  const root = mkdtempSync(join(tmpdir(), 'goldsmith-tests-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
