import { execa } from 'execa';

/** Tests drive the real `goldsmith` command, so build it (tsc, then the bundle) once before any test runs. */
export default async function setup(): Promise<void> {
  await execa('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
