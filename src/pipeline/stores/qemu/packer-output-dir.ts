import { join } from 'node:path';

/** The Packer variable a QEMU line's template takes its `output_directory` from. */
export const OUTPUT_DIRECTORY_VARIABLE = 'output_directory';

/**
 * Where a QEMU build's Packer writes its image: `<jobDir>/output`, passed to
 * the template as `PKR_VAR_output_directory` (it must not exist beforehand:
 * Packer 1.6 refuses an existing one without -force).
 *
 * @example
 * packerOutputDirOf('/var/lib/goldsmith/jobs/7') // '/var/lib/goldsmith/jobs/7/output'
 */
export function packerOutputDirOf(jobDir: string): string {
  return join(jobDir, 'output');
}
