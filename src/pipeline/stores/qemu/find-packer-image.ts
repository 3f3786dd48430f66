import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { hashFile } from '../../../evidence/hash-file.js';
import { readQcow2Header } from './read-qcow2-header.js';

/** The image a QEMU build left in Packer's output directory. */
export interface PackerImage {
  /** The image file, in the output directory. */
  path: string;
  sha256: string;
  size: number;
  /** The disk size the qcow2 header gives. */
  virtualSize: number;
  /** The checksum post-processor's file that listed it, when there was one. */
  checksumFile: string | undefined;
}

const SUMS_FILE = /(\.sha256|\.checksum|SHA256SUMS)$/i;

/** The SHA-256 a `sha256sum`-format file lists for `file` (or its only entry). */
function listedSum(text: string, file: string): string | undefined {
  const entries = text
    .split('\n')
    .map((line) => /^([0-9a-f]{64})\s+\*?(.+?)\s*$/i.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null);
  const named = entries.find((match) => basename(match[2]!) === file);
  return (named ?? (entries.length === 1 ? entries[0] : undefined))?.[1]?.toLowerCase();
}

/**
 * Finds the one qcow2 image a QEMU build wrote to `outputDir` (by its
 * header, whatever its name), hashes it, and checks it against the checksum
 * post-processor's file there (`*.sha256`, `*.checksum`), when there is one.
 * Fails, naming the fix, when there is no image, more than one, or the
 * checksum disagrees.
 *
 * @example
 * const found = await findPackerImage('/var/lib/goldsmith/jobs/7/output');
 * if (found.ok) found.image.sha256;
 */
export async function findPackerImage(outputDir: string): Promise<{ ok: true; image: PackerImage } | { ok: false; reason: string }> {
  if (!existsSync(outputDir)) {
    return { ok: false, reason: `Packer left no ${outputDir}: a QEMU line's template must write its image to var.output_directory (goldsmith sets PKR_VAR_output_directory)` };
  }
  const files = readdirSync(outputDir).filter((name) => statSync(join(outputDir, name)).isFile());
  const images = files.flatMap((name) => {
    const header = SUMS_FILE.test(name) ? undefined : readQcow2Header(join(outputDir, name));
    return header ? [{ name, header }] : [];
  });
  if (images.length !== 1) {
    return {
      ok: false,
      reason:
        images.length === 0
          ? `Packer left no qcow2 image in ${outputDir} (found: ${files.join(', ') || 'nothing'}): set format = "qcow2" in the line's qemu source`
          : `Packer left ${images.length} qcow2 images in ${outputDir} (${images.map((image) => image.name).join(', ')}): build one image per line`,
    };
  }
  const [{ name, header }] = images as [(typeof images)[number]];
  const path = join(outputDir, name);
  const { sha256, size } = await hashFile(path);
  for (const sums of files.filter((file) => SUMS_FILE.test(file))) {
    const listed = listedSum(readFileSync(join(outputDir, sums), 'utf8'), name);
    if (listed === undefined) continue;
    if (listed !== sha256) return { ok: false, reason: `Packer's checksum file ${sums} lists ${listed} for ${name}, but the image hashes to ${sha256}: the image changed after Packer wrote it; rebuild` };
    return { ok: true, image: { path, sha256, size, virtualSize: header.virtualSize, checksumFile: join(outputDir, sums) } };
  }
  return { ok: true, image: { path, sha256, size, virtualSize: header.virtualSize, checksumFile: undefined } };
}
