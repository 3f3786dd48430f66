import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PathSettings } from '../../../config/settings.js';
import { findPackageRoot } from '../../../config/find-package-root.js';

/**
 * Where `govc` or `vcsim` is: GOLDSMITH_GOVC / GOLDSMITH_VCSIM when set,
 * else the copy scripts/setup-infra built under `.infra/bin` (or
 * `GOLDSMITH_INFRA_DIR/bin`), else the bare name, found on PATH.
 *
 * @example
 * findInfraBinary('govc', settings.paths) // '/srv/goldsmith/.infra/bin/govc'
 */
export function findInfraBinary(name: 'govc' | 'vcsim', paths: Pick<PathSettings, 'govc' | 'vcsim' | 'infraDir'>): string {
  const override = paths[name];
  if (override) return override;
  const root = findPackageRoot();
  const infra = paths.infraDir ? resolve(paths.infraDir) : root ? join(root, '.infra') : undefined;
  const built = infra ? join(infra, 'bin', name) : undefined;
  return built && existsSync(built) ? built : name;
}
