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
