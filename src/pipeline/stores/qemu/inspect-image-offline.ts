import type { ImageCheckResult } from '../../../evidence/run-schema.js';
import { inspectImageAccounts } from './inspect-image-accounts.js';
import { exposeRootFileSystem } from './inspect-image-rootfs.js';
import { inspectImageSystem } from './inspect-image-system.js';
import { toolEnv } from './inspect-image-tools.js';

export interface InspectImageOfflineOptions {
  image: string;
  /** A scratch folder: the raw copy (sparse, the image's virtual size) is made here and removed. */
  workDir: string;
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal | undefined;
}

/**
 * The offline half of the image checklist: the image's root file system read
 * without mounting it (qemu-img convert, sfdisk, debugfs), for the account
 * checks (no password hashes, authorized keys or shell history) and the
 * system checks (required software, systemd, SSH enabled, kernel console,
 * firewall, host keys, machine-id, cloud-init state). An image whose root
 * cannot be read gives one failing `root-file-system` check.
 *
 * @example
 * const checks = await inspectImageOffline({ image: 'output/debian.qcow2', workDir: 'job/checklist', env });
 * checks.filter((check) => check.result === 'fail') // [] for a good image
 */
export async function inspectImageOffline(options: InspectImageOfflineOptions): Promise<ImageCheckResult[]> {
  const env = toolEnv(options.env);
  let root;
  try {
    root = await exposeRootFileSystem({ image: options.image, workDir: options.workDir, env, signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return [{ name: 'root-file-system', result: 'fail', detail: (error as Error).message }];
  }
  try {
    const accounts = await inspectImageAccounts(root.fs);
    const system = await inspectImageSystem(root.fs);
    return [{ name: 'root-file-system', result: 'pass', detail: `ext4 root in ${root.where}, read offline with debugfs` }, ...accounts, ...system];
  } finally {
    await root.release();
  }
}
