import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageRoot } from '../config/find-package-root.js';

// Found by walking up, not at a fixed depth: src/, dist/ and the bundle in dist/bundle/ sit at different depths.
const root = findPackageRoot();
if (!root) throw new Error("goldsmith's package.json was not found above its code: reinstall goldsmith");
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** goldsmith's own version, written into every record. */
export const GOLDSMITH_VERSION: string = manifest.version;
