import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagesYamlPackerVars } from '../../src/config/images-yaml-packer-vars.js';
import { writeQemuBuildSeed } from '../../src/pipeline/stores/qemu/boot-image-build-seed.js';
import { qemuBuildSeedVars } from '../../src/pipeline/stores/qemu/boot-image-build-vars.js';
import { writeBootSeed } from '../../src/pipeline/stores/qemu/boot-image-seed.js';
import { makeTempDir } from '../helpers/write-chain.js';
import { toolsEnv } from './base-image.js';

describe("a QEMU build's throwaway key and cloud-init seed", () => {
  it('writes a fresh private key (0600) and a NoCloud seed giving the default user its public half, where the Packer variables say', async () => {
    const jobDir = makeTempDir('goldsmith-seed-');
    await writeQemuBuildSeed({ jobDir, env: toolsEnv() });
    const vars = qemuBuildSeedVars(jobDir);
    expect(Object.keys(vars).sort()).toEqual(['PKR_VAR_cloud_init_meta_data', 'PKR_VAR_cloud_init_user_data', 'PKR_VAR_ssh_private_key_file']);
    expect(statSync(vars.PKR_VAR_ssh_private_key_file!).mode & 0o777).toBe(0o600);
    expect(readFileSync(vars.PKR_VAR_ssh_private_key_file!, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    const publicKey = readFileSync(`${vars.PKR_VAR_ssh_private_key_file}.pub`, 'utf8').trim();
    expect(publicKey).toMatch(/^ssh-ed25519 \S+ goldsmith-build-throwaway$/);
    expect(readFileSync(vars.PKR_VAR_cloud_init_user_data!, 'utf8')).toBe(`#cloud-config\nssh_authorized_keys:\n  - ${publicKey}\n`);
    expect(readFileSync(vars.PKR_VAR_cloud_init_meta_data!, 'utf8')).toMatch(/^instance-id: goldsmith-build-[0-9a-f]{12}\nlocal-hostname: goldsmith-build\n$/);
  });

  it('makes a new key and instance each time, and a cidata ISO for the boot check', async () => {
    const a = await writeBootSeed({ dir: join(makeTempDir('goldsmith-seed-'), 'a'), purpose: 'check', iso: true, env: toolsEnv() });
    const b = await writeBootSeed({ dir: join(makeTempDir('goldsmith-seed-'), 'b'), purpose: 'check', iso: false, env: toolsEnv() });
    expect(a.publicKey).not.toBe(b.publicKey);
    expect(readFileSync(a.metaData, 'utf8')).not.toBe(readFileSync(b.metaData, 'utf8'));
    // ISO 9660: the volume label sits at byte 32808 of the primary volume descriptor.
    expect(readFileSync(a.iso!).subarray(32808, 32814).toString('latin1')).toBe('cidata');
    expect(b.iso).toBeUndefined();
  });

  it('passes no build_override when .images.yaml gives none', () => {
    expect(imagesYamlPackerVars({ build_override: { memory: 2048 } })).toEqual({ PKR_VAR_memory: '2048' });
  });
});
