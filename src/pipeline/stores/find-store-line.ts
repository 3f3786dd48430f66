import type { LoadedConfig } from '../../config/load-config.js';
import { loadMatrix } from '../../config/load-matrix.js';
import type { MatrixEntry } from '../../config/matrix-schema.js';
import { selectLines } from '../../config/select-lines.js';
import { TEMPLATE_PLATFORMS, templatePlatformOf } from './registry.js';

/**
 * The matrix entry of one line whose platform keeps templates, by key or
 * alias. Throws for `all`, an unknown name (with the closest keys) and lines
 * whose platform has no template store.
 *
 * @example
 * findStoreLine(config, 'sim-ubuntu').base_name // 'tpl-ubuntu-24.04'
 */
export function findStoreLine(config: LoadedConfig, selector: string): MatrixEntry {
  if (selector === 'all') throw new Error('promotions and rollbacks go one line at a time: name the line instead of "all"');
  const entry = selectLines(loadMatrix(config.packer.matrix), selector)[0]!;
  if (!templatePlatformOf(entry.platform)) {
    throw new Error(
      `${entry.key} is a ${entry.platform} line: its builds are kept nowhere goldsmith can promote them (platforms with a template store: ${Object.keys(TEMPLATE_PLATFORMS).join(', ')}; "platform" in ${config.packer.matrix})`,
    );
  }
  return entry;
}
