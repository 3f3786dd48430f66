import type { LoadedConfig } from '../../../config/load-config.js';
import type { Settings } from '../../../config/settings.js';

/**
 * The environment Packer runs with: the allow-list (basics, PACKER_*,
 * PKR_VAR_*, CHECKPOINT_DISABLE), the names listed in `packer.env`, each
 * `packer.vars` mapping as PKR_VAR_<name>, and `set`. goldsmith's own
 * credentials reach Packer only through an explicit `packer.vars` mapping.
 * Throws naming the mapping when its variable is not set.
 *
 * @example
 * packerEnvOf(settings, config, { PKR_VAR_manifest_path: '/var/lib/goldsmith/jobs/7/manifest.json' })
 */
export function packerEnvOf(settings: Settings, config: Pick<LoadedConfig, 'packer'>, set: Readonly<Record<string, string>>): Record<string, string> {
  const mappings = Object.entries(config.packer.vars);
  const values = settings.pick(mappings.map(([, from]) => from));
  const mapped: Record<string, string> = {};
  for (const [name, from] of mappings) {
    const value = values[from];
    if (value === undefined) throw new Error(`packer.vars maps ${name} to ${from}, which is not set: export ${from}, or remove the mapping from goldsmith.yaml`);
    mapped[`PKR_VAR_${name}`] = value;
  }
  return settings.childEnv({ family: 'packer', pass: config.packer.env, set: { ...mapped, ...set } });
}
