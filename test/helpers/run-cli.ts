import { execa, type Options } from 'execa';
import { fileURLToPath } from 'node:url';

/** The built `goldsmith` entry point (test/global-setup.ts builds it). */
export const CLI = fileURLToPath(new URL('../../bin/goldsmith.js', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `goldsmith ...args` as a user would and returns what they see.
 *
 * @example
 * const { exitCode, stdout } = await runCli(['audit', dir]);
 */
export async function runCli(args: readonly string[], options: Options = {}, entry = CLI): Promise<CliResult> {
  const result = await execa('node', [entry, ...args], { reject: false, ...options });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
