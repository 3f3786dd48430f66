import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import { openImageFileSystem, type ImageFileSystem } from './inspect-image-debugfs.js';

const sfdiskSchema = z.object({
  partitiontable: z.object({
    sectorsize: z.number().int().positive().optional(),
    partitions: z.array(z.object({ node: z.string(), start: z.number().int().nonnegative(), type: z.string() })).default([]),
  }),
});

/** Partition types a Linux root can have: MBR 83, GPT "Linux filesystem" and "Linux root (x86-64)". */
const LINUX_TYPES = new Set(['83', '0fc63daf-8483-4772-8e79-3d69d8477de4', '4f68bce3-e8cd-4db1-96e7-fbcaf984b709']);

/** The root file system of an image, readable offline, and how to let it go. */
export interface ExposedRoot {
  fs: ImageFileSystem;
  /** Where it was found: `partition 1 (offset 1048576)`. */
  where: string;
  /** Removes the raw copy. */
  release(): Promise<void>;
}

/**
 * Makes an image's root file system readable without mounting it: converts
 * the image to a raw file in `workDir` (sparse), reads the partition table
 * with `sfdisk -J`, and opens the first Linux partition holding
 * /etc/os-release with debugfs. ext2/3/4 only (debugfs); an image without
 * one (XFS, as AlmaLinux uses) throws, naming what was found.
 *
 * @example
 * const root = await exposeRootFileSystem({ image: 'out/debian.qcow2', workDir: 'job/checklist', env });
 * try { await root.fs.read('/etc/shadow'); } finally { await root.release(); }
 */
export async function exposeRootFileSystem(options: { image: string; workDir: string; env: Readonly<Record<string, string>>; signal?: AbortSignal | undefined }): Promise<ExposedRoot> {
  const raw = join(options.workDir, 'inspect.raw');
  const exec = { env: options.env, extendEnv: false, reject: false, cancelSignal: options.signal } as const;
  const release = () => rm(raw, { force: true });
  try {
    const converted = await execa('qemu-img', ['convert', '-O', 'raw', options.image, raw], exec);
    if (converted.exitCode !== 0) throw new Error(`qemu-img convert ${options.image} to raw failed: ${converted.stderr.trim()}`);
    const table = await execa('sfdisk', ['-J', raw], exec);
    const candidates: Array<{ offset: number; where: string }> = [];
    if (table.exitCode === 0) {
      const parsed = sfdiskSchema.parse(JSON.parse(table.stdout)).partitiontable;
      const sector = parsed.sectorsize ?? 512;
      parsed.partitions.forEach((partition, index) => {
        if (LINUX_TYPES.has(partition.type.toLowerCase())) candidates.push({ offset: partition.start * sector, where: `partition ${index + 1} (offset ${partition.start * sector})` });
      });
    } else candidates.push({ offset: 0, where: 'the whole disk (no partition table)' });
    const tried: string[] = [];
    for (const candidate of candidates) {
      const fs = openImageFileSystem({ raw, offset: candidate.offset, env: options.env, signal: options.signal });
      try {
        if ((await fs.stat('/etc/os-release')) !== undefined) return { fs, where: candidate.where, release };
        tried.push(`${candidate.where}: no /etc/os-release`);
      } catch (error) {
        tried.push(`${candidate.where}: not ext2/3/4 (${(error as Error).message.split(':').at(-1)?.trim()})`);
      }
    }
    throw new Error(
      `found no ext2/3/4 root file system in ${options.image} (${tried.join('; ') || 'no Linux partition'}); the offline inspection reads ext4 roots only (see docs/qemu.md)`,
    );
  } catch (error) {
    await release();
    throw error;
  }
}
