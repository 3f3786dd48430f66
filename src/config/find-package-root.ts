import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout goldsmith runs from: the nearest folder above this file whose
 * package.json is goldsmith's (the same from src/ under vitest, from dist/ and
 * from the bundle in dist/bundle/).
 *
 * @example
 * findPackageRoot() // '/srv/goldsmith'
 */
export function findPackageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'goldsmith') return dir;
      } catch {
        // Not ours; keep climbing.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
