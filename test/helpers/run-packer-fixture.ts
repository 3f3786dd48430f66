import { execa } from 'execa';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './write-chain.js';

/**
 * Runs a real `packer build -machine-readable` of a template under
 * test/fixtures/packer, as the seed's build.sh would, and returns the paths of
 * its combined log and manifest.
 */
export async function runPackerFixture(name: string, env: Record<string, string> = {}): Promise<{ dir: string; log: string; manifest: string; exitCode: number }> {
  const dir = makeTempDir('goldsmith-packer-');
  cpSync(new URL(`../fixtures/packer/${name}`, import.meta.url).pathname, dir, { recursive: true });
  const result = await execa('packer', ['build', '-machine-readable', '.'], {
    cwd: dir,
    env: { PACKER_LOG: '1', CHECKPOINT_DISABLE: '1', ...env },
    all: true,
    reject: false,
  });
  const log = join(dir, 'build.log');
  writeFileSync(log, String(result.all));
  return { dir, log, manifest: join(dir, 'manifest.json'), exitCode: result.exitCode ?? -1 };
}
