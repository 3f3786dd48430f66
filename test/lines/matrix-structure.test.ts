import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadImagesYaml } from '../../src/config/load-images-yaml.js';
import { readLineAdminUser } from '../../src/config/read-line-admin-user.js';
import { proxmoxLinesOf } from '../../src/pipeline/stores/proxmox/proxmox-lines.js';
import {
  builtHere,
  loadBuildFolder,
  loadLines,
  packerDir,
  parseVarFile,
  pluginsFile,
  qemuBuildVariables,
  readVarFile,
  referencedVariables,
  resolveString,
  type BuildFolder,
} from './lines.js';

const lines = loadLines();

/** The nine lines of the vSphere seed, the four of the Proxmox seed and the four of the VK Cloud (QEMU) seed. */
const expectedKeys = [
  'ubuntu-24.04', 'ubuntu-22.04', 'debian-12', 'debian-13', 'rocky-9', 'almalinux-9',
  'windows-server-2025', 'windows-server-2022', 'windows-11',
  'tpl-ubuntu-22.04', 'tpl-ubuntu-24.04', 'tpl-rocky-9', 'tpl-win2022',
  'qemu-debian-12', 'qemu-ubuntu-24.04', 'qemu-ubuntu-22.04', 'qemu-almalinux-9',
];

const contexts = new Map<string, ReturnType<typeof parseLine>>();
const lineContext = (entry: (typeof lines)[number]) => {
  if (!contexts.has(entry.key)) contexts.set(entry.key, parseLine(entry));
  return contexts.get(entry.key)!;
};

async function parseLine(entry: (typeof lines)[number]) {
  const folder = await loadBuildFolder(join(packerDir, entry.build_dir));
  const vars: Record<string, unknown> = {};
  const varFiles = [];
  for (const name of [...entry.var_files, entry.config]) {
    const file = readVarFile(name);
    if (file === undefined) throw new Error(`${name} (or ${name}.example) does not exist under packer/`);
    varFiles.push({ name, values: await parseVarFile(file.path, file.text) });
    Object.assign(vars, varFiles.at(-1)!.values);
  }
  const sourceName = entry.only ?? [...folder.sources.keys()][0] ?? '(no source)';
  return { folder, vars, varFiles, sourceName, source: folder.sources.get(sourceName) };
}

function resolved(folder: BuildFolder, vars: Record<string, unknown>, value: unknown): string {
  return resolveString(String(value), folder, vars);
}

describe('packer/matrix.json', () => {
  it('has exactly the seed lines, each once', () => {
    expect(lines.map((l) => l.key).sort()).toEqual([...expectedKeys].sort());
  });

  it('gives Windows lines an edition, a staged ISO and an -only source', () => {
    for (const entry of lines.filter((l) => l.os === 'windows')) {
      expect(entry.only, entry.key).toMatch(/^[a-z-]+\.[a-z0-9-]+$/);
      expect(entry.only, entry.key).toContain(entry.edition);
    }
    expect(lines.find((l) => l.key === 'windows-server-2025')).toMatchObject({
      aliases: ['win2025'],
      edition: 'datacenter-dexp',
      only: 'vsphere-iso.windows-server-datacenter-dexp',
    });
  });

  it('gives each Proxmox line a block of VMIDs of its own, 9 + family + version + slot (docs/proxmox.md)', () => {
    const proxmox = lines.filter((l) => l.platform === 'proxmox');
    expect(Object.fromEntries(proxmox.map((l) => [l.key, l.vmid]))).toEqual({ 'tpl-ubuntu-22.04': 91220, 'tpl-ubuntu-24.04': 91240, 'tpl-rocky-9': 92090, 'tpl-win2022': 95220 });
    // The store refuses overlapping blocks: the shipped ones must not.
    expect(() => proxmoxLinesOf(lines, 10)).not.toThrow();
  });
});

describe.each(lines.map((l) => [l.key, l] as const))('line %s', (_key, entry) => {
  it('points at an existing build folder, config and var-files', () => {
    const dir = join(packerDir, entry.build_dir);
    expect(existsSync(dir) && statSync(dir).isDirectory(), `${entry.build_dir} is not a folder`).toBe(true);
    for (const name of [...entry.var_files, entry.config]) {
      expect(readVarFile(name), `${name} or ${name}.example`).toBeDefined();
    }
  });

  it('keeps required_plugins alone in plugins.pkr.hcl, which Packer 1.6 leaves out', async () => {
    const { folder } = await lineContext(entry);
    if (builtHere.has(entry.key)) {
      // Built here by Packer 1.6, which would read plugins.pkr.hcl: shipped as an example.
      expect(folder.files).not.toContain(pluginsFile);
      expect(readFileSync(join(folder.dir, `${pluginsFile}.example`), 'utf8')).toMatch(/required_plugins\s*{/);
    } else {
      expect(folder.files).toContain(pluginsFile);
      expect(folder.blocksByFile.get(pluginsFile)).toEqual(['packer']);
      expect(readFileSync(join(folder.dir, pluginsFile), 'utf8')).toMatch(/required_plugins\s*{/);
    }
    for (const [file, blocks] of folder.blocksByFile) {
      if (file === pluginsFile) continue;
      expect(blocks, `${file} must not hold blocks Packer 1.6 rejects`).not.toContain('packer');
      expect(blocks, file).not.toContain('data');
    }
  });

  it('names a real source with -only, building <base_name>-build', async () => {
    const { folder, vars, sourceName, source } = await lineContext(entry);
    if (entry.only === undefined) expect(folder.sources.size, 'several sources: give the line an -only').toBe(1);
    expect(source, `-only ${sourceName} matches none of ${[...folder.sources.keys()].join(', ')}`).toBeDefined();
    const name = source!.vm_name ?? source!.template_name;
    if (entry.platform === 'qemu') {
      // The image file: the store keeps <base>-build.qcow2.
      expect(resolved(folder, vars, name)).toBe(`${entry.base_name}-build.qcow2`);
      return;
    }
    expect(resolved(folder, vars, name)).toBe(`${entry.base_name}-build`);
    if (source!.template_name !== undefined) expect(resolved(folder, vars, source!.template_name)).toBe(`${entry.base_name}-build`);
    expect(source!.convert_to_template ?? (entry.platform === 'proxmox' ? true : undefined), 'vSphere sources convert to a template').toBe(true);
  });

  it('declares every variable it uses and gets each from a var-file, a default or PKR_VAR_', async () => {
    const { folder, varFiles } = await lineContext(entry);
    const used = referencedVariables(folder);
    const declared = new Set(folder.variables.keys());
    expect([...used].filter((v) => !declared.has(v)), 'used but not declared').toEqual([]);
    expect([...declared].filter((v) => !used.has(v)), 'declared but never used').toEqual([]);

    const set = new Set(varFiles.flatMap((f) => Object.keys(f.values)));
    for (const file of varFiles) {
      expect(Object.keys(file.values).filter((v) => !declared.has(v)), `${file.name} sets undeclared variables`).toEqual([]);
    }
    for (const [name, variable] of folder.variables) {
      if (variable.sensitive) {
        // Secrets come from PKR_VAR_* only: no default, never in a var-file.
        expect(variable.default, `${name} is sensitive: it must have no default`).toBeUndefined();
        expect(set.has(name), `${name} is sensitive: set it with PKR_VAR_${name}, not in a var-file`).toBe(false);
      } else if (variable.default === undefined && ((entry.platform === 'qemu' && qemuBuildVariables.has(name)) || (entry.platform === 'proxmox' && name === 'vm_id'))) {
        expect(set.has(name), `${name} is set by goldsmith for each build: keep it out of var-files`).toBe(false);
      } else if (variable.default === undefined) {
        expect(set.has(name), `${name} has no default: set it in ${[...entry.var_files, entry.config].join(' or ')}`).toBe(true);
      }
    }
  });

  it('marks every credential variable sensitive', async () => {
    const { folder } = await lineContext(entry);
    for (const [name, variable] of folder.variables) {
      if (/password|secret|token/.test(name)) expect(variable.sensitive, name).toBe(true);
    }
  });

  it('agrees with the matrix on the install media (and leaves the VMID to goldsmith on Proxmox)', async () => {
    const { vars } = await lineContext(entry);
    if (entry.platform === 'vsphere') {
      expect(vars.iso_path).toBe(`${entry.iso_datastore_path}/${entry.iso_file}`);
    } else if (entry.platform === 'qemu') {
      // A cloud image the matrix names, or the base disk scripts/setup-infra makes.
      if (entry.os === 'linux' && entry.iso_url) expect(vars.base_image).toBe(entry.iso_url);
      else expect(vars.base_image).toBe('../../../.infra/images/debian-12-base.qcow2');
      expect(vars.base_image_checksum).toMatch(/^(file:|sha256:)/);
    } else {
      expect(vars.iso_file).toBe(entry.iso_file);
      // goldsmith chooses the VMID (PKR_VAR_vm_id): a var-file's vm_id would override it.
      expect(vars.vm_id).toBeUndefined();
    }
  });

  it('runs the Ansible playbook for its OS and writes a manifest', async () => {
    const { folder, vars } = await lineContext(entry);
    const ansible = folder.provisioners.filter((p) => p.type === 'ansible');
    expect(ansible).toHaveLength(1);
    const attrs = ansible[0]!.attrs;
    const playbook = resolved(folder, vars, attrs.playbook_file);
    expect(playbook.endsWith(`ansible/${entry.platform === 'qemu' ? 'qemu' : entry.os}.yml`), playbook).toBe(true);
    expect(existsSync(playbook), playbook).toBe(true);
    const extra = (attrs.extra_arguments as string[]).join(' ');
    expect(extra).toContain(`platform=${entry.platform}`);
    for (const env of (attrs.ansible_env_vars ?? []) as string[]) {
      const config = /^ANSIBLE_CONFIG=(.*)$/.exec(env);
      if (config) expect(existsSync(resolved(folder, vars, config[1] ?? '')), env).toBe(true);
    }
    if (entry.platform === 'qemu') {
      // OpenSSH 9 refuses the proxy's ssh-rsa host key; the checksum file is sealed into the record.
      expect(attrs.use_proxy).toBe(false);
      expect(extra).toContain(`admin_user=\${var.admin_user}`);
      expect(attrs.user).toBe('${var.admin_user}');
      expect(folder.postProcessors.map((p) => p.type)).toEqual(['checksum', 'compress', 'manifest']);
      const [checksum, compress] = folder.postProcessors;
      expect(checksum!.attrs.checksum_types).toEqual(['sha256']);
      expect(checksum!.attrs.output).toBe('${var.output_directory}/${var.base_name}-build.qcow2.sha256');
      expect(compress!.attrs.keep_input_artifact).toBe(true);
    } else {
      expect(folder.postProcessors.map((p) => p.type)).toEqual(['manifest']);
    }
  });

  it('delivers the install answers from files that exist', async () => {
    const { folder, vars, source } = await lineContext(entry);
    if (entry.platform === 'qemu') {
      // A NoCloud seed goldsmith writes for each build (a throwaway key), on a CD labelled cidata.
      expect(source!.cd_files).toEqual(['${var.cloud_init_user_data}', '${var.cloud_init_meta_data}']);
      expect(source!.cd_label).toBe('cidata');
      return;
    }
    const paths = [
      ...((source!.cd_files ?? []) as string[]),
      ...(source!.http_directory === undefined ? [] : [source!.http_directory as string]),
    ].map((p) => resolved(folder, vars, p));
    if (entry.os === 'linux') expect(paths.length, 'a Linux line needs cd_files or http_directory').toBeGreaterThan(0);
    for (const path of paths) expect(existsSync(path), path).toBe(true);
  });
});

describe.each(lines.filter((l) => l.platform === 'qemu').map((l) => [l.key, l] as const))('QEMU line %s', (_key, entry) => {
  it('builds under TCG into var.output_directory, from a disk image', async () => {
    const { source } = await lineContext(entry);
    expect(source).toMatchObject({ accelerator: 'tcg', disk_image: true, format: 'qcow2', output_directory: '${var.output_directory}', use_backing_file: false });
    expect(source!.disk_size).toBe('${var.disk_size}');
    expect(source!.memory).toBe('${var.memory}');
    expect(entry.enabled, 'QEMU lines stay out of "all": a build takes minutes and both cores').toBe(false);
  });

  it('has an .images.yaml whose os_admin_user is the provisioner\'s user', async () => {
    const { folder, vars } = await lineContext(entry);
    const buildDir = join(packerDir, entry.build_dir);
    const varFiles = [...entry.var_files, entry.config].map((name) => readVarFile(name)!.path);
    const provisioner = readLineAdminUser({ buildDir, varFiles });
    const ansible = folder.provisioners.find((p) => p.type === 'ansible')!;
    // The narrow reader goldsmith uses agrees with a full HCL parse.
    expect(provisioner?.user).toBe(resolved(folder, vars, ansible.attrs.user));
    const images = loadImagesYaml({ path: join(buildDir, '.images.yaml'), line: entry.key, provisionerUser: provisioner });
    expect(images.metadata).toMatchObject({ os_type: 'linux', hw_qemu_guest_agent: 'yes', os_require_quiesce: 'yes', mcs_os_distro: entry.dist });
  });
});

describe('Windows answer-file seeds', () => {
  const renderSeed = readFileSync(join(packerDir, 'data/windows/render-seed'), 'utf8');
  const editions = new Set([...renderSeed.matchAll(/^\s+([a-z0-9-]+)\)\s+image=/gm)].map((m) => m[1]));

  it('render-seed knows every edition a vSphere Windows source attaches', async () => {
    expect(editions.size).toBeGreaterThanOrEqual(5);
    for (const entry of lines.filter((l) => l.os === 'windows' && l.platform === 'vsphere')) {
      const folder = await loadBuildFolder(join(packerDir, entry.build_dir));
      for (const [name, source] of folder.sources) {
        const seeds = ((source.iso_paths ?? []) as string[]).flatMap((p) => [...p.matchAll(/\/([a-z0-9-]+)\.iso$/g)].map((m) => m[1]));
        expect(seeds, `${entry.build_dir} ${name}`).toHaveLength(1);
        expect(editions.has(seeds[0]), `${seeds[0]} is not an edition in render-seed`).toBe(true);
      }
    }
  });
});
