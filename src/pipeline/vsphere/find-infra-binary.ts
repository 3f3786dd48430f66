import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findPackageRoot } from '../find-package-root.js';

/**
 * Where `govc` or `vcsim` is: `GOLDSMITH_GOVC` / `GOLDSMITH_VCSIM` when set,
 * else the copy scripts/setup-infra built under `.infra/bin` (or
 * `GOLDSMITH_INFRA_DIR/bin`), else the bare name, found on PATH.
 *
 * @example
 * findInfraBinary('govc', process.env) // '/srv/goldsmith/.infra/bin/govc'
 */
export function findInfraBinary(name: 'govc' | 'vcsim', env: NodeJS.ProcessEnv): string {
  const override = env[`GOLDSMITH_${name.toUpperCase()}`];
  if (override) return override;
  const root = findPackageRoot();
  const infra = env.GOLDSMITH_INFRA_DIR ? resolve(env.GOLDSMITH_INFRA_DIR) : root ? join(root, '.infra') : undefined;
  const built = infra ? join(infra, 'bin', name) : undefined;
  return built && existsSync(built) ? built : name;
}
