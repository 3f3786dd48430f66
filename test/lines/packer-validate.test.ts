import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MatrixEntry } from '../../src/config/matrix-schema.js';
import { dummySecrets, inBatches, loadLines, mirrorWithoutPlugins, packerDir, requireTool } from './lines.js';

/**
 * The Packer 1.6 lane: Debian's packer validates every line with the shipped
 * example var-files and dummy secrets from the environment. Users run Packer
 * >= 1.10 with plugins; 1.6 has the same builders built in.
 */
const lines = loadLines();

interface Outcome {
  exitCode: number | undefined;
  output: string;
}

/** Validates one line in a mirror without plugins.pkr.hcl; `env` replaces the dummy secrets. */
async function validate(entry: MatrixEntry, env: Record<string, string>, extra: string[] = []): Promise<Outcome> {
  const dir = mirrorWithoutPlugins(join(packerDir, entry.build_dir));
  const root = dir.slice(0, dir.length - join('packer', entry.build_dir).length);
  try {
    // Always the shipped examples: an operator's own copies are not the repository's to test.
    const varFiles = [...entry.var_files, entry.config].map((name, index) => {
      const path = join(root, `line-${index}.pkrvars.hcl`);
      writeFileSync(path, readFileSync(join(packerDir, `${name}.example`)));
      return path;
    });
    const args = ['validate', ...varFiles.map((f) => `-var-file=${f}`), ...(entry.only ? [`-only=${entry.only}`] : []), ...qemuArgs(entry, root), ...extra, '.'];
    const result = await execa('packer', args, {
      cwd: dir,
      reject: false,
      extendEnv: false,
      // goldsmith gives a Proxmox build its VMID (PKR_VAR_vm_id), as here the block's first.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root, CHECKPOINT_DISABLE: '1', ...(entry.vmid !== undefined ? { PKR_VAR_vm_id: String(entry.vmid) } : {}), ...env },
    });
    return { exitCode: result.exitCode, output: `${result.stdout}\n${result.stderr}` };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * QEMU lines: the per-build seed goldsmith writes (dummy files here), and a
 * fixed checksum so validation never fetches a vendor's checksum list or
 * needs the base disk of scripts/setup-infra.
 */
function qemuArgs(entry: MatrixEntry, root: string): string[] {
  if (entry.platform !== 'qemu') return [];
  const seed = join(root, 'seed');
  mkdirSync(seed, { recursive: true });
  // Packer parses the key while validating: a real (throwaway) one.
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(join(seed, 'id_ed25519'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  for (const name of ['user-data', 'meta-data']) writeFileSync(join(seed, name), '');
  return [
    ...['-var', `ssh_private_key_file=${join(seed, 'id_ed25519')}`, '-var', `cloud_init_user_data=${join(seed, 'user-data')}`],
    ...['-var', `cloud_init_meta_data=${join(seed, 'meta-data')}`, '-var', `base_image_checksum=sha256:${'0'.repeat(64)}`],
  ];
}

describe('packer validate (Packer 1.6 lane)', () => {
  const outcomes = new Map<string, Outcome>();
  const withoutBuildPassword = new Map<string, Outcome>();

  beforeAll(async () => {
    const version = await requireTool('packer', ['version']);
    expect(version).toMatch(/Packer v1\.\d+\.\d+/);
    const { PKR_VAR_build_password: _omitted, ...rest } = dummySecrets;
    // Two at a time: the suite runs on two cores.
    await inBatches(lines, 2, async (entry) => {
      outcomes.set(entry.key, await validate(entry, dummySecrets));
      withoutBuildPassword.set(entry.key, await validate(entry, rest));
    });
  }, 110_000);

  it.each(lines.map((l) => [l.key, l] as const))('%s is valid, with no warnings', (key) => {
    const outcome = outcomes.get(key)!;
    expect(outcome.output).not.toMatch(/Warning|Error/);
    expect(outcome.exitCode, outcome.output).toBe(0);
  });

  // QEMU lines log in with a throwaway key: they have no build password.
  it.each(lines.filter((l) => l.platform !== 'qemu').map((l) => [l.key, l] as const))('%s takes build_password from PKR_VAR_build_password only', (key) => {
    const outcome = withoutBuildPassword.get(key)!;
    expect(outcome.exitCode).toBe(1);
    expect(outcome.output).toContain('Unset variable "build_password"');
  });

  it('reports a QEMU line without its per-build seed (the lane can fail)', async () => {
    const entry = lines.find((l) => l.key === 'qemu-debian-12')!;
    const outcome = await validate(entry, dummySecrets, ['-var', 'cloud_init_user_data=/nonexistent/user-data']);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.output).toMatch(/user-data/);
  });

  it('reports a broken line (the lane can fail)', async () => {
    const entry = lines.find((l) => l.key === 'ubuntu-24.04')!;
    const outcome = await validate(entry, dummySecrets, ['-var', 'vm_cpus=not-a-number']);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.output).toMatch(/vm_cpus/);
  });

  it('has the Packer files formatted as packer fmt writes them', async () => {
    const unformatted: string[] = [];
    await inBatches(lines, 2, async (entry) => {
      const result = await execa('packer', ['fmt', '-check', '.'], { cwd: join(packerDir, entry.build_dir), reject: false });
      if (result.exitCode !== 0) unformatted.push(`${entry.build_dir}: ${result.stdout}${result.stderr}`);
    });
    expect(unformatted).toEqual([]);
  });
});
