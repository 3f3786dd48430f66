import { realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import { hashFile } from '../../../evidence/hash-file.js';
import type { RecordedImageFacts } from '../../../evidence/run-schema.js';

/** The part of `qemu-img info --output=json` the record needs. */
const qemuImgInfoSchema = z.object({
  format: z.string().min(1),
  'virtual-size': z.number().int().nonnegative(),
});

export interface DescribeImageOptions {
  /** The image file. */
  file: string;
  /** The environment qemu-img runs with (from settings: PATH and the basics). */
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal | undefined;
}

/**
 * What a record says about an image: its file name, SHA-256 (streamed), size
 * in bytes, and the format and virtual size `qemu-img info` reads from it.
 * Throws, naming the file and the fix, when qemu-img cannot read it.
 *
 * @example
 * await describeImage({ file: 'output/qemu-debian-12-build.qcow2', env })
 * // { file: 'qemu-debian-12-build.qcow2', sha256: '3f5a…', size: 283115520, format: 'qcow2', virtual_size: 3221225472 }
 */
export async function describeImage(options: DescribeImageOptions): Promise<RecordedImageFacts> {
  const info = await execa('qemu-img', ['info', '--output=json', options.file], {
    env: options.env,
    extendEnv: false,
    reject: false,
    cancelSignal: options.signal,
  });
  if (info.exitCode !== 0) {
    throw new Error(`qemu-img info ${options.file} failed: ${info.stderr.trim() || `exit ${info.exitCode}`}; is it a disk image, and is qemu-utils installed (scripts/setup-infra)?`);
  }
  const parsed = qemuImgInfoSchema.safeParse(JSON.parse(info.stdout));
  if (!parsed.success) throw new Error(`qemu-img info ${options.file}: unexpected output (${parsed.error.issues[0]?.message}); check the qemu-utils version`);
  // hashFile never follows a link; the image cache links to the current base.
  const real = await realpath(options.file);
  const [{ sha256 }, { size }] = await Promise.all([hashFile(real), stat(real)]);
  return { file: basename(options.file), sha256, size, format: parsed.data.format, virtual_size: parsed.data['virtual-size'] };
}
