import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/** A throwaway SSH key and the NoCloud seed that authorizes it for the image's default user. */
export interface BootSeed {
  /** The private key (mode 0600): Packer's ssh_private_key_file, or the boot check's ssh -i. */
  privateKeyFile: string;
  publicKey: string;
  /** NoCloud `user-data` and `meta-data` files. */
  userData: string;
  metaData: string;
  /** The two as an ISO 9660 image labelled `cidata`, when asked for (the boot check; Packer makes its own from cd_files). */
  iso: string | undefined;
}

export interface WriteBootSeedOptions {
  /** A folder of its own (created); the key, user-data, meta-data and seed.iso go here. */
  dir: string;
  /** Names the instance, so each boot is a first boot for cloud-init: `goldsmith-check-…`. */
  purpose: 'build' | 'check';
  /** Also write seed.iso with genisoimage. */
  iso: boolean;
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal | undefined;
}

/**
 * Writes a fresh Ed25519 key pair (no passphrase, used for one boot and then
 * thrown away with the folder) and a NoCloud seed whose user-data gives the
 * image's default user that key, as a cloud gives a VM its user's key. The
 * image's own cloud-init config decides who the default user is, so logging
 * in as `os_admin_user` with this key proves that .images.yaml names it.
 *
 * @example
 * const seed = await writeBootSeed({ dir: 'jobs/7/seed', purpose: 'build', iso: false, env });
 * // PKR_VAR_ssh_private_key_file=seed.privateKeyFile, PKR_VAR_cloud_init_user_data=seed.userData, …
 */
export async function writeBootSeed(options: WriteBootSeedOptions): Promise<BootSeed> {
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const exec = { cwd: options.dir, env: options.env, extendEnv: false, reject: false, cancelSignal: options.signal } as const;
  const privateKeyFile = join(options.dir, 'id_ed25519');
  const keygen = await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `goldsmith-${options.purpose}-throwaway`, '-f', privateKeyFile], exec);
  if (keygen.exitCode !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr.trim() || `exit ${keygen.exitCode}`}; is openssh-client installed?`);
  const publicKey = (await readFile(`${privateKeyFile}.pub`, 'utf8')).trim();
  const userData = join(options.dir, 'user-data');
  const metaData = join(options.dir, 'meta-data');
  await writeFile(userData, ['#cloud-config', 'ssh_authorized_keys:', `  - ${publicKey}`, ''].join('\n'), { mode: 0o600 });
  const instance = `goldsmith-${options.purpose}-${randomBytes(6).toString('hex')}`;
  await writeFile(metaData, `instance-id: ${instance}\nlocal-hostname: goldsmith-${options.purpose}\n`, { mode: 0o600 });
  let iso: string | undefined;
  if (options.iso) {
    iso = join(options.dir, 'seed.iso');
    const made = await execa('genisoimage', ['-quiet', '-output', iso, '-volid', 'cidata', '-joliet', '-rock', 'user-data', 'meta-data'], exec);
    if (made.exitCode !== 0) throw new Error(`genisoimage failed: ${made.stderr.trim() || `exit ${made.exitCode}`}; install genisoimage (scripts/setup-infra)`);
  }
  return { privateKeyFile, publicKey, userData, metaData, iso };
}
