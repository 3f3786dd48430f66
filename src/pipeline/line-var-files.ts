import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import type { MatrixEntry } from '../config/matrix-schema.js';

/**
 * The var-files a line is built with, in Packer's order (later files win):
 * goldsmith.yaml's shared files, the line's site files, then its own config.
 */
export function lineVarFiles(config: LoadedConfig, entry: MatrixEntry): { shared: string[]; own: string } {
  const packerDir = dirname(config.packer.matrix);
  return { shared: [...config.packer.var_files, ...entry.var_files.map((path) => join(packerDir, path))], own: join(packerDir, entry.config) };
}

/**
 * Why each var-file of `entry` is missing (`own`: only the line's own), with
 * the fix: copy the example beside it, or correct the matrix or the list.
 * Empty when every one exists.
 *
 * @example
 * missingVarFiles(config, entry, 'own') // ['the line\'s var-file packer/ok/ok.pkrvars.hcl does not exist: create it or fix "config" of test-ok in packer/matrix.json']
 */
export function missingVarFiles(config: LoadedConfig, entry: MatrixEntry, which: 'own' | 'all'): string[] {
  const files = lineVarFiles(config, entry);
  return [...(which === 'all' ? files.shared : []), files.own]
    .filter((file) => !existsSync(file))
    .map((file) => {
      const hint = existsSync(`${file}.example`)
        ? `copy ${file}.example to ${file} and fill it in`
        : file === files.own
          ? `create it or fix "config" of ${entry.key} in packer/matrix.json`
          : 'create it or fix the var-file list (packer.var_files in goldsmith.yaml, var_files of the line)';
      return `the line's var-file ${file} does not exist: ${hint}`;
    });
}
