import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory, replaceFileAtomically } from '../../../evidence/sync-fs.js';
import type { TemplateRef } from '../template-store.js';
import { imageFileOf, METADATA_SUFFIX, SUM_SUFFIX, type ImageDirectory } from './image-directory.js';

export interface InstallImageOptions {
  /** Packer's image file (in the job's output folder). */
  source: string;
  sha256: string;
  /** The template name it becomes in the image directory: `<base>-build`. */
  name: string;
  /** The line's `.images.yaml`, copied beside it when there is one. */
  metadata?: string | undefined;
}

/** Moves a file, copying (and syncing) it when the two folders are on different file systems. */
function moveFile(source: string, destination: string): void {
  try {
    renameSync(source, destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const partial = join(destination, '..', `.${imageFileOf('partial')}-${process.pid}`);
    copyFileSync(source, partial);
    const fd = openSync(partial, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, destination);
    rmSync(source);
  }
}

/**
 * Puts a freshly built image into the image directory as `<name>.qcow2`,
 * replacing a stale one: its sidecars first (`<name>.sha256` naming the
 * image, `<name>.images.yaml` copied from the line), the image last, each
 * followed by an fsync of the folder. Returns the image's reference.
 *
 * @example
 * installBuildImage(images, { source: 'jobs/7/output/packer-debian-12', sha256, name: 'debian-12-build', metadata: 'packer/qemu/debian-12/.images.yaml' })
 */
export function installBuildImage(images: ImageDirectory, options: InstallImageOptions): TemplateRef {
  mkdirSync(images.path, { recursive: true });
  const stale = images.find(options.name);
  if (stale) images.destroy(stale.ref);
  const metadata = join(images.path, `${options.name}${METADATA_SUFFIX}`);
  rmSync(metadata, { force: true });
  if (options.metadata && existsSync(options.metadata)) replaceFileAtomically(metadata, readFileSync(options.metadata, 'utf8'));
  replaceFileAtomically(join(images.path, `${options.name}${SUM_SUFFIX}`), `${options.sha256}  ${imageFileOf(options.name)}\n`);
  moveFile(options.source, join(images.path, imageFileOf(options.name)));
  fsyncDirectory(images.path);
  images.note(`${new Date().toISOString()} $ install ${options.source} as ${imageFileOf(options.name)} (SHA-256 ${options.sha256})`);
  return images.find(options.name)!;
}
