import { existsSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The Debian 12 base disk scripts/setup-infra makes; throws with the fix when it is missing. */
export function baseImage(): string {
  const link = join(repoRoot, '.infra/images/debian-12-base.qcow2');
  if (!existsSync(link)) throw new Error(`${link} is missing: run scripts/setup-infra (it builds the QEMU lane's Debian base disk, ~2-3 minutes)`);
  return realpathSync(link);
}

/** The environment the checklist's tools run with in tests: PATH and HOME only. */
export const toolsEnv = (): Record<string, string> => ({ PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin`, HOME: process.env.HOME ?? tmpdir() });

/**
 * A copy of the base disk changed offline, as a careless provisioning would
 * leave an image: `files` are written into its root file system (replacing
 * what is there) with `debugfs -w`, then the copy is converted back to
 * qcow2. Seconds, against minutes for a Packer build.
 *
 * @example
 * const bad = await craftImage({ '/root/.bash_history': 'mysql -p hunter2\n' });
 */
export async function craftImage(files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'goldsmith-craft-'));
  const raw = join(dir, 'image.raw');
  const env = toolsEnv();
  await execa('qemu-img', ['convert', '-O', 'raw', baseImage(), raw], { env });
  // The base disk's one partition starts at 1 MiB (scripts/lib/build-debian-base).
  const device = `${raw}?offset=1048576`;
  const requests: string[] = [];
  Object.entries(files).forEach(([path, content], index) => {
    const source = join(dir, `file-${index}`);
    writeFileSync(source, content);
    const at = path.lastIndexOf('/');
    requests.push(`cd ${path.slice(0, at) || '/'}`, `rm ${path.slice(at + 1)}`, `write ${source} ${path.slice(at + 1)}`);
  });
  writeFileSync(join(dir, 'requests'), `${requests.join('\n')}\n`);
  await execa('debugfs', ['-w', '-f', join(dir, 'requests'), device], { env });
  const image = join(dir, 'crafted.qcow2');
  await execa('qemu-img', ['convert', '-O', 'qcow2', raw, image], { env });
  await execa('rm', ['-f', raw], { env });
  return image;
}
