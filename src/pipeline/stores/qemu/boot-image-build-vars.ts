import { join } from 'node:path';

/**
 * The Packer variables that point a QEMU line's build at the throwaway key
 * and NoCloud seed `writeQemuBuildSeed` writes into `<jobDir>/seed/` (the
 * same paths: call that one first, in the hook before Packer). Synchronous,
 * for a `packerEnv` hook.
 *
 * @example
 * qemuBuildSeedVars('/var/lib/goldsmith/jobs/7')
 * // { PKR_VAR_ssh_private_key_file: '/var/lib/goldsmith/jobs/7/seed/id_ed25519',
 * //   PKR_VAR_cloud_init_user_data: '/var/lib/goldsmith/jobs/7/seed/user-data',
 * //   PKR_VAR_cloud_init_meta_data: '/var/lib/goldsmith/jobs/7/seed/meta-data' }
 */
export function qemuBuildSeedVars(jobDir: string): Record<string, string> {
  const seed = join(jobDir, 'seed');
  return {
    PKR_VAR_ssh_private_key_file: join(seed, 'id_ed25519'),
    PKR_VAR_cloud_init_user_data: join(seed, 'user-data'),
    PKR_VAR_cloud_init_meta_data: join(seed, 'meta-data'),
  };
}
