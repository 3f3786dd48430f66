import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { execa } from 'execa';
import { loadMatrix } from '../../src/config/load-matrix.js';
import type { MatrixEntry } from '../../src/config/matrix-schema.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const packerDir = join(repoRoot, 'packer');
export const ansibleDir = join(repoRoot, 'ansible');

/** Packer >= 1.10 reads this file; the Packer 1.6 lane must not (see plugins.pkr.hcl). */
export const pluginsFile = 'plugins.pkr.hcl';

/**
 * Lines built for real on this machine by Debian's Packer 1.6, which rejects
 * a required_plugins block: they ship it as plugins.pkr.hcl.example instead.
 */
export const builtHere = new Set(['qemu-debian-12']);

/**
 * Variables goldsmith sets for each QEMU build (PKR_VAR_*: a throwaway key
 * and the cloud-init seed that authorizes it), so no var-file holds them.
 */
export const qemuBuildVariables = new Set(['ssh_private_key_file', 'cloud_init_user_data', 'cloud_init_meta_data']);

export function loadLines(): MatrixEntry[] {
  return loadMatrix(join(packerDir, 'matrix.json'));
}

/**
 * The text of a var-file named by the matrix: the operator's copy when it
 * exists, else the `.example` the repository ships. Returns undefined when
 * neither exists.
 */
export function readVarFile(packerRelative: string): { path: string; text: string } | undefined {
  for (const candidate of [packerRelative, `${packerRelative}.example`]) {
    const path = join(packerDir, candidate);
    if (existsSync(path)) return { path, text: readFileSync(path, 'utf8') };
  }
  return undefined;
}

/** Fails the test with the fix when a tool is missing, rather than skipping. */
export async function requireTool(command: string, versionArgs: string[] = ['--version']): Promise<string> {
  const result = await execa(command, versionArgs, { reject: false });
  if (result.failed && (result as { code?: string }).code === 'ENOENT') {
    throw new Error(`${command} is not installed: run scripts/setup-infra (it installs Debian's packer, ansible-core, ansible and ansible-lint)`);
  }
  if (result.exitCode !== 0) throw new Error(`${command} ${versionArgs.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  return `${result.stdout}${result.stderr}`;
}

type Attrs = Record<string, unknown>;

/** One Packer build folder, parsed: what the structural checks need. */
export interface BuildFolder {
  dir: string;
  files: string[];
  /** Top-level blocks by file, to check which file holds `packer {}`. */
  blocksByFile: Map<string, string[]>;
  variables: Map<string, { default?: unknown; sensitive: boolean }>;
  locals: Attrs;
  /** Sources selectable with -only, as "type.name", with their merged attributes. */
  sources: Map<string, Attrs>;
  provisioners: { type: string; attrs: Attrs }[];
  postProcessors: { type: string; attrs: Attrs }[];
  /** Every expression text in the folder, for reference checks. */
  text: string;
}

const first = <T>(value: T | T[]): T => (Array.isArray(value) ? (value[0] as T) : value);

export async function loadBuildFolder(dir: string): Promise<BuildFolder> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.pkr.hcl')).sort();
  const folder: BuildFolder = {
    dir,
    files,
    blocksByFile: new Map(),
    variables: new Map(),
    locals: {},
    sources: new Map(),
    provisioners: [],
    postProcessors: [],
    text: '',
  };
  const topSources = new Map<string, Attrs>();
  const builds: Attrs[] = [];
  for (const file of files) {
    const json = (await parse(file, readFileSync(join(dir, file), 'utf8'))) as Record<string, unknown>;
    folder.blocksByFile.set(file, Object.keys(json));
    folder.text += JSON.stringify(json);
    for (const [name, blocks] of Object.entries((json.variable ?? {}) as Record<string, Attrs[]>)) {
      const block = first(blocks);
      folder.variables.set(name, { default: block.default, sensitive: block.sensitive === true });
    }
    for (const block of (json.locals ?? []) as Attrs[]) Object.assign(folder.locals, block);
    for (const [type, byName] of Object.entries((json.source ?? {}) as Record<string, Record<string, Attrs[]>>)) {
      for (const [name, blocks] of Object.entries(byName)) topSources.set(`${type}.${name}`, first(blocks));
    }
    builds.push(...((json.build ?? []) as Attrs[]));
  }
  for (const build of builds) {
    for (const ref of (build.sources ?? []) as string[]) {
      const key = ref.replace(/^source\./, '');
      folder.sources.set(key, topSources.get(key) ?? {});
    }
    // Build-level `source "type.name" { name = "..." ... }` blocks add a named variant.
    for (const [ref, blocks] of Object.entries((build.source ?? {}) as Record<string, Attrs[]>)) {
      const key = ref.replace(/^source\./, '');
      const type = key.split('.')[0];
      for (const block of blocks) {
        const name = typeof block.name === 'string' ? block.name : key.split('.')[1];
        const { name: _name, ...overrides } = block;
        folder.sources.set(`${type}.${name}`, { ...(topSources.get(key) ?? {}), ...overrides, __base: key });
      }
    }
    for (const [type, blocks] of Object.entries((build.provisioner ?? {}) as Record<string, Attrs[]>)) {
      for (const attrs of blocks) folder.provisioners.push({ type, attrs });
    }
    for (const [type, blocks] of Object.entries((build['post-processor'] ?? {}) as Record<string, Attrs[]>)) {
      for (const attrs of blocks) folder.postProcessors.push({ type, attrs });
    }
  }
  return folder;
}

/** The `var.NAME` references anywhere in the folder. */
export function referencedVariables(folder: BuildFolder): Set<string> {
  return new Set([...folder.text.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((m) => m[1] as string));
}

/** A var-file's assignments (var-files are HCL attribute lists). */
export async function parseVarFile(path: string, text: string): Promise<Attrs> {
  return (await parse(path, text)) as Attrs;
}

/**
 * Evaluates the simple interpolations the lines use (`${var.x}`, `${local.x}`,
 * `${path.root}`) against var-file values and defaults. Anything else is left
 * as written, which makes a comparison fail loudly rather than pass by accident.
 */
export function resolveString(value: string, folder: BuildFolder, vars: Attrs, depth = 0): string {
  if (depth > 5) return value;
  return value.replace(/\$\{(var|local|path)\.([A-Za-z0-9_-]+)\}/g, (whole, kind: string, name: string) => {
    if (kind === 'path') return name === 'root' ? folder.dir : whole;
    if (kind === 'local') {
      const local = folder.locals[name];
      return typeof local === 'string' ? resolveString(local, folder, vars, depth + 1) : whole;
    }
    const value = name in vars ? vars[name] : folder.variables.get(name)?.default;
    return value === undefined ? whole : String(value);
  });
}

/**
 * Packer 1.6 reads every *.pkr.hcl of a folder and rejects `required_plugins`.
 * This lays out a temporary copy of the repository made of symlinks, in which
 * the line's folder lacks only plugins.pkr.hcl: `${path.root}/../..` paths
 * still reach packer/data and ansible/.
 */
export function mirrorWithoutPlugins(buildDir: string): string {
  const root = mkdtempSync(join(tmpdir(), 'goldsmith-lines-'));
  const rel = relative(repoRoot, buildDir).split('/');
  let source = repoRoot;
  let target = root;
  for (const part of rel) {
    for (const entry of readdirSync(source)) {
      if (entry !== part && entry !== 'node_modules' && entry !== '.git') symlinkSync(join(source, entry), join(target, entry));
    }
    source = join(source, part);
    target = join(target, part);
    mkdirSync(target);
  }
  for (const entry of readdirSync(source)) {
    if (entry !== pluginsFile) symlinkSync(join(source, entry), join(target, entry));
  }
  return target;
}

/** Runs tasks at most `limit` at a time (the suite runs on two cores). */
export async function inBatches<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Dummy values for every PKR_VAR_ secret, so validation never needs a real
 * one. They are distinctive because Packer masks sensitive values in its
 * output wherever they appear.
 */
export const dummySecrets: Record<string, string> = {
  PKR_VAR_vsphere_password: 'dummy-vsphere-password-for-validate',
  PKR_VAR_proxmox_password: 'dummy-proxmox-password-for-validate',
  PKR_VAR_build_password: 'dummy-build-password-for-validate',
  PKR_VAR_build_password_encrypted: '$6$dummysalt$dummyhashforvalidateonly',
};
