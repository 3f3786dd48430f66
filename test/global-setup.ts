import { execa } from 'execa';

/** Tests drive the real `goldsmith` command, so build it once before any test runs. */
export default async function setup(): Promise<void> {
  await execa('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
