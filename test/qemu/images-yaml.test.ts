import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { imagesYamlPackerVars } from '../../src/config/images-yaml-packer-vars.js';
import { loadImagesYaml } from '../../src/config/load-images-yaml.js';
import { readLineAdminUser } from '../../src/config/read-line-admin-user.js';

const dir = mkdtempSync(join(tmpdir(), 'goldsmith-images-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = `# a comment line
debian-12-vm-init:
  metadata:
    os_admin_user: 'debian'
    os_distro: debian12
    os_version: '12'
    os_type: 'linux'
    mcs_name: debian-12-vm-init
    mcs_os_type: 'linux'
    mcs_os_distro: 'debian'
    mcs_os_version: '12'
    hw_qemu_guest_agent: 'yes'
    os_require_quiesce: 'yes'
    team: 'platform'
    sid: 'hidden'
  build_override:
    disk_size: 50G
    memory: 4096
`;

let count = 0;
/** Writes `text` as an .images.yaml and loads it for line qemu-debian-12; returns the error message, or the result. */
function load(text: string, provisionerUser: { user: string; source: string } | undefined = { user: 'debian', source: 'variables.pkr.hcl' }) {
  const path = join(dir, `${count++}.images.yaml`);
  writeFileSync(path, text);
  try {
    return { images: loadImagesYaml({ path, line: 'qemu-debian-12', provisionerUser }), path };
  } catch (error) {
    return { error: (error as Error).message, path };
  }
}

describe('.images.yaml', () => {
  it('loads the seed format: one image, its metadata and its build overrides', () => {
    const { images } = load(GOOD);
    expect(images).toMatchObject({ name: 'debian-12-vm-init', metadata: { os_admin_user: 'debian', hw_qemu_guest_agent: 'yes' }, build_override: { disk_size: '50G', memory: 4096 } });
  });

  it('passes build_override to Packer as PKR_VAR_disk_size and PKR_VAR_memory, and nothing when absent', () => {
    const { images } = load(GOOD);
    expect(imagesYamlPackerVars(images!)).toEqual({ PKR_VAR_disk_size: '50G', PKR_VAR_memory: '4096' });
    const { images: bare } = load(GOOD.replace(/ {2}build_override:[\s\S]*$/, ''));
    expect(imagesYamlPackerVars(bare!)).toEqual({});
  });

  it('names the file and line number, the matrix line, the field and the fix for a missing field', () => {
    const { error, path } = load(GOOD.replace("    team: 'platform'\n", ''));
    expect(error).toBe(`${path}:3: line qemu-debian-12: debian-12-vm-init.metadata.team: add it, for example 'platform'`);
  });

  it("says to quote a version YAML reads as a number (os_version: 12)", () => {
    const { error, path } = load(GOOD.replace("os_version: '12'", 'os_version: 12'));
    expect(error).toBe(`${path}:6: line qemu-debian-12: debian-12-vm-init.metadata.os_version: quote it as a string, for example '12'`);
  });

  it("requires hw_qemu_guest_agent and os_require_quiesce to be 'yes', saying why", () => {
    const { error, path } = load(GOOD.replace("hw_qemu_guest_agent: 'yes'", "hw_qemu_guest_agent: 'no'").replace("os_require_quiesce: 'yes'", 'os_require_quiesce: yes'));
    expect(error!.split('\n')).toEqual([
      `${path}:12: line qemu-debian-12: debian-12-vm-init.metadata.hw_qemu_guest_agent: set hw_qemu_guest_agent: 'yes' (VK Cloud requires the guest agent); it is "no"`,
      // A bare yes is YAML 1.2's string "yes": accepted as written in the seed.
    ]);
  });

  it('rejects an unknown build_override key and a disk size without a unit', () => {
    const { error, path } = load(GOOD.replace('disk_size: 50G', 'disk_size: 50').replace('memory: 4096', 'cpus: 4'));
    expect(error).toContain(`${path}:16: line qemu-debian-12: debian-12-vm-init.build_override: build_override knows disk_size and memory only; remove cpus`);
    expect(error).toContain(`${path}:17: line qemu-debian-12: debian-12-vm-init.build_override.disk_size: give disk_size as a size with a unit, for example 50G`);
  });

  it('holds os_admin_user against the user the build logs in as', () => {
    const { error, path } = load(GOOD.replace("os_admin_user: 'debian'", "os_admin_user: 'admin'"), { user: 'debian', source: 'packer/qemu/debian-12/variables.pkr.hcl' });
    expect(error).toBe(
      `${path}:4: line qemu-debian-12: debian-12-vm-init.metadata.os_admin_user: 'admin' is not the user the build logs in as ` +
        `('debian', admin_user in packer/qemu/debian-12/variables.pkr.hcl); set os_admin_user: 'debian', or change admin_user there to the image's default user`,
    );
  });

  it('wants exactly one image per line', () => {
    const { error, path } = load(`${GOOD}${GOOD.replace('# a comment line\n', '').replace('debian-12-vm-init:', 'second:')}`);
    expect(error).toBe(`${path}:2: line qemu-debian-12: (top level): give exactly one image (one top-level key) per line`);
  });

  it('points at YAML syntax errors and a missing file', () => {
    const broken = load(GOOD.replace("    sid: 'hidden'", "    sid: 'hidden"));
    expect(broken.error).toMatch(new RegExp(`^${broken.path.replace(/[.]/g, '\\.')}:\\d+: line qemu-debian-12: not valid YAML: .+; fix the YAML syntax there$`));
    expect(() => loadImagesYaml({ path: join(dir, 'absent.yaml'), line: 'qemu-debian-12' })).toThrow(
      `${join(dir, 'absent.yaml')}: line qemu-debian-12 has no .images.yaml; QEMU lines need one (the image's OpenStack/VK Cloud metadata, see docs/qemu.md)`,
    );
  });
});

describe('readLineAdminUser', () => {
  it('takes admin_user from the last var-file that sets it, else the variable default', () => {
    const build = mkdtempSync(join(dir, 'line-'));
    writeFileSync(join(build, 'variables.pkr.hcl'), 'variable "admin_user" {\n  type    = string\n  default = "debian"\n}\n');
    const first = join(build, 'a.pkrvars.hcl');
    const second = join(build, 'b.pkrvars.hcl');
    writeFileSync(first, 'admin_user = "cloud"\n');
    writeFileSync(second, 'base_name = "x"\n');
    expect(readLineAdminUser({ buildDir: build, varFiles: [second] })).toEqual({ user: 'debian', source: join(build, 'variables.pkr.hcl') });
    expect(readLineAdminUser({ buildDir: build, varFiles: [first, second] })).toEqual({ user: 'cloud', source: first });
  });
});
