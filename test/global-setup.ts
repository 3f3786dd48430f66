import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const BUILD = fileURLToPath(new URL('../scripts/build-if-changed.mjs', import.meta.url));

/** Tests drive the real `goldsmith` command, so build it (tsc, then the bundle) before any test runs, unless it is current. */
export default async function setup(): Promise<void> {
  await execa('node', [BUILD], { stdio: 'inherit' });
}
