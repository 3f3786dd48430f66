import { readFileSync } from 'node:fs';

// Both src/evidence and dist/evidence sit two levels below package.json.
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** goldsmith's own version, written into every record. */
export const GOLDSMITH_VERSION: string = manifest.version;
