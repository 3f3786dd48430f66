import type { LoadedConfig } from '../../config/load-config.js';
import { loadMatrix } from '../../config/load-matrix.js';
import type { MatrixEntry } from '../../config/matrix-schema.js';
import { selectLines } from '../../config/select-lines.js';

/**
 * The matrix entry of one vSphere line, by key or alias. Throws for `all`,
 * an unknown name (with the closest keys) and lines of other platforms.
 *
 * @example
 * findVsphereLine(config, 'sim-ubuntu').base_name // 'tpl-ubuntu-24.04'
 */
export function findVsphereLine(config: LoadedConfig, selector: string): MatrixEntry {
  if (selector === 'all') throw new Error('promotions and rollbacks go one line at a time: name the line instead of "all"');
  const entry = selectLines(loadMatrix(config.packer.matrix), selector)[0]!;
  if (entry.platform !== 'vsphere') throw new Error(`${entry.key} is a ${entry.platform} line; goldsmith promotes vSphere templates only (platform "vsphere" in ${config.packer.matrix})`);
  return entry;
}
