import type { LoadedConfig } from '../config/load-config.js';
import { loadMatrix } from '../config/load-matrix.js';

/** `goldsmith matrix`: the lines, their aliases, and whether `all` builds them. */
export function matrixCommand(config: LoadedConfig, options: { json?: boolean }, stdout: NodeJS.WritableStream): number {
  const matrix = loadMatrix(config.packer.matrix);
  if (options.json) {
    stdout.write(`${JSON.stringify(matrix, null, 2)}\n`);
    return 0;
  }
  const rows = matrix.map((entry) =>
    [entry.key.padEnd(26), (entry.enabled ? 'enabled' : 'disabled').padEnd(9), entry.platform.padEnd(8), `${entry.base_name}`.padEnd(28), entry.aliases.join(', ')].join(' '),
  );
  stdout.write(`${['LINE'.padEnd(26), 'ALL?'.padEnd(9), 'TARGET'.padEnd(8), 'TEMPLATE'.padEnd(28), 'ALIASES'].join(' ')}\n${rows.join('\n')}\n`);
  return 0;
}
