import { join } from 'node:path';
import { qemuBuildSeedVars } from './boot-image-build-vars.js';
import { writeBootSeed } from './boot-image-seed.js';

/**
 * Writes a QEMU line's per-build seed into `<jobDir>/seed/`: a fresh
 * throwaway Ed25519 key and the NoCloud user-data/meta-data that give the
 * image's default user that key. The line puts the seed on a `cidata` CD
 * (cd_files) and Packer logs in with the key; `qemuBuildSeedVars(jobDir)`
 * names the files for Packer. The key never reaches the image (the vm_init
 * role removes authorized_keys; the checklist verifies it) and can be
 * deleted once the build ended.
 *
 * @example
 * await writeQemuBuildSeed({ jobDir, env: settings.childEnv({ family: 'none' }) });
 * const env = { ...qemuBuildSeedVars(jobDir), PKR_VAR_output_directory: join(jobDir, 'output') };
 */
export async function writeQemuBuildSeed(options: { jobDir: string; env: Readonly<Record<string, string>>; signal?: AbortSignal | undefined }): Promise<void> {
  const seed = await writeBootSeed({ dir: join(options.jobDir, 'seed'), purpose: 'build', iso: false, env: options.env, signal: options.signal });
  const expected = qemuBuildSeedVars(options.jobDir);
  if (seed.privateKeyFile !== expected.PKR_VAR_ssh_private_key_file || seed.userData !== expected.PKR_VAR_cloud_init_user_data) {
    throw new Error('internal: the build seed and qemuBuildSeedVars disagree on where the seed is');
  }
}
