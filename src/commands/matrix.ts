import { readFileSync } from 'node:fs';
import type { LoadedConfig } from '../config/load-config.js';
import { executorKindOf } from '../config/executor-kind-of.js';
import { loadMatrix } from '../config/load-matrix.js';

/** The keys of the entries that leave `platform` out (and so get the default, vsphere). */
function defaultedPlatforms(path: string): Set<string> {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Array<Record<string, unknown>>;
  return new Set(raw.filter((entry) => !('platform' in entry)).map((entry) => String(entry.key)));
}

/** `goldsmith matrix`: the lines, their aliases, whether `all` builds them and where (the executor); a platform the matrix leaves out is marked as the default. */
export function matrixCommand(config: LoadedConfig, options: { json?: boolean }, stdout: NodeJS.WritableStream): number {
  const matrix = loadMatrix(config.packer.matrix);
  if (options.json) {
    stdout.write(`${JSON.stringify(matrix, null, 2)}\n`);
    return 0;
  }
  const defaulted = defaultedPlatforms(config.packer.matrix);
  const rows = matrix.map((entry) =>
    [entry.key.padEnd(26), (entry.enabled ? 'enabled' : 'disabled').padEnd(9), `${entry.platform}${defaulted.has(entry.key) ? '*' : ''}`.padEnd(8), executorKindOf(config.executors, entry.key).padEnd(14), `${entry.base_name}`.padEnd(28), entry.aliases.join(', ')].join(' '),
  );
  const note = defaulted.size > 0 ? `* "platform" is not set for this line: vsphere is the default; set "platform" (vsphere, proxmox, qemu or local) in ${config.packer.matrix}\n` : '';
  stdout.write(`${['LINE'.padEnd(26), 'ALL?'.padEnd(9), 'TARGET'.padEnd(8), 'BUILDS ON'.padEnd(14), 'TEMPLATE'.padEnd(28), 'ALIASES'].join(' ')}\n${rows.join('\n')}\n${note}`);
  return 0;
}
