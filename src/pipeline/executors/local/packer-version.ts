import { execa } from 'execa';

const versions = new Map<string, Promise<string>>();

/**
 * The version of the Packer binary, asked once per binary per process.
 *
 * @example
 * await packerVersion('packer', settings.childEnv({ family: 'packer' })) // '1.6.6'
 */
export function packerVersion(binary: string, env: Readonly<Record<string, string>>): Promise<string> {
  let version = versions.get(binary);
  if (!version) {
    version = execa(binary, ['version'], { env: { ...env, CHECKPOINT_DISABLE: '1' }, extendEnv: false, reject: false }).then((result) => {
      const match = /Packer v?(\d+\.\d+\.\d+)/.exec(String(result.stdout));
      if (result.failed || !match) {
        versions.delete(binary);
        throw new Error(`cannot run "${binary} version" (${result.shortMessage ?? 'no version printed'}); install Packer with scripts/setup-infra or set packer.binary in goldsmith.yaml`);
      }
      return match[1]!;
    });
    versions.set(binary, version);
  }
  return version;
}

/** `packer init` exists from Packer 1.7 on. */
export function supportsInit(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 7);
}
