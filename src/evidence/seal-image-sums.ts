import { readFileSync } from 'node:fs';
import { IMAGE_SUMS_FILE } from './layout.js';
import type { BuildDetails } from './run-schema.js';

/**
 * The image checksum file a build record seals, checked against the image
 * run.json names; undefined when the build has none. Throws, naming the fix,
 * when it does not list the image's SHA-256.
 *
 * @example
 * sealImageSums(details, '/var/lib/goldsmith/images/debian-12-build.sha256')?.facts.checksum_file // 'image.sha256'
 */
export function sealImageSums(details: BuildDetails, path: string | undefined): { text: string; facts: NonNullable<BuildDetails['image']> } | undefined {
  if (path === undefined) {
    if (details.image?.checksum_file !== undefined) throw new Error(`internal: run.json's image.checksum_file is set, but no checksum file was given to seal`);
    return undefined;
  }
  if (!details.image) throw new Error(`refusing to seal ${path}: the build details name no image for it to describe`);
  const text = readFileSync(path, 'utf8');
  if (text.length > 64 << 10) throw new Error(`refusing to seal ${path}: ${text.length} bytes is not a checksum file`);
  const listed = [...text.matchAll(/^([0-9a-f]{64})\s+\*?(.+?)\s*$/gim)].map((match) => match[1]!.toLowerCase());
  if (!listed.includes(details.image.sha256)) {
    throw new Error(`refusing to seal ${path}: it lists ${listed.join(', ') || 'no SHA-256'}, but the image ${details.image.file} hashes to ${details.image.sha256}; rebuild`);
  }
  return { text, facts: { ...details.image, checksum_file: IMAGE_SUMS_FILE } };
}
