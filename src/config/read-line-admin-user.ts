import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `admin_user = "x"` as a var-file assignment. */
const ASSIGNMENT = /^\s*admin_user\s*=\s*"([^"\\]*)"\s*(?:#.*)?$/m;
/** `variable "admin_user" { ... default = "x" ... }`, the block without nested braces. */
const DECLARATION = /variable\s+"admin_user"\s*\{([^{}]*)\}/;
const DEFAULT = /^\s*default\s*=\s*"([^"\\]*)"\s*$/m;

/**
 * The user a QEMU line's build logs in as: `admin_user` from the last var-file
 * that sets it, else the variable's default in the line's `*.pkr.hcl`. This
 * reads only that one plain string attribute, which is all the QEMU lines use
 * it for; undefined when neither sets it.
 *
 * @example
 * readLineAdminUser({ buildDir: 'packer/qemu/debian-12', varFiles: ['packer/config/qemu-debian-12.pkrvars.hcl'] })
 * // { user: 'debian', source: 'packer/qemu/debian-12/variables.pkr.hcl' }
 */
export function readLineAdminUser(options: { buildDir: string; varFiles: readonly string[] }): { user: string; source: string } | undefined {
  for (const file of [...options.varFiles].reverse()) {
    const match = ASSIGNMENT.exec(readFileSync(file, 'utf8'));
    if (match) return { user: match[1]!, source: file };
  }
  for (const name of readdirSync(options.buildDir).filter((f) => f.endsWith('.pkr.hcl')).sort()) {
    const file = join(options.buildDir, name);
    const block = DECLARATION.exec(readFileSync(file, 'utf8'));
    const match = block ? DEFAULT.exec(block[1]!) : null;
    if (match) return { user: match[1]!, source: file };
  }
  return undefined;
}
