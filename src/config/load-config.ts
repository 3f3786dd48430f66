import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from './config-schema.js';
import { formatZodError } from './format-zod-error.js';
import { InputError } from './input-error.js';
import type { PathSettings } from './settings.js';

const DEFAULT_NAMES = ['goldsmith.yaml', 'goldsmith.yml', 'goldsmith.json'];

/** The configuration, with every path made absolute. */
export interface LoadedConfig extends Config {
  /** The file read, or undefined when goldsmith runs on defaults. */
  file: string | undefined;
  /** The folder relative paths were resolved against. */
  baseDir: string;
}

function parseFile(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return file.endsWith('.json') ? JSON.parse(text) : (parseYaml(text) ?? {});
  } catch (error) {
    throw new InputError(`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
}

/**
 * Loads goldsmith's configuration: `--config FILE`, else GOLDSMITH_CONFIG,
 * else goldsmith.yaml/.yml/.json in `cwd`, else the defaults. The settings'
 * GOLDSMITH_RECORDS and GOLDSMITH_SIGNING_KEY override the file.
 *
 * @example
 * const config = loadConfig({ cwd: process.cwd(), paths: readSettings().paths });
 * config.records // '/srv/images/records'
 */
export function loadConfig(options: { file?: string | undefined; cwd: string; paths: Pick<PathSettings, 'config' | 'records' | 'signingKey'> }): LoadedConfig {
  const named = options.file ?? options.paths.config;
  const file = named ? resolve(options.cwd, named) : DEFAULT_NAMES.map((name) => resolve(options.cwd, name)).find((path) => existsSync(path));
  if (named && !existsSync(file!)) throw new InputError(`config file ${file} does not exist; pass --config with an existing file or unset GOLDSMITH_CONFIG`);
  const raw = file ? parseFile(file) : {};
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(formatZodError(file ?? 'config', parsed.error, undefined, configSchema));
  const config = parsed.data;
  const baseDir = file ? dirname(file) : options.cwd;
  const at = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const fromEnv = (path: string | undefined) => (path ? resolve(options.cwd, path) : undefined);
  const signingKey = fromEnv(options.paths.signingKey) ?? (config.signing.key ? at(config.signing.key) : undefined);
  return {
    ...config,
    file,
    baseDir,
    records: fromEnv(options.paths.records) ?? at(config.records),
    state_dir: at(config.state_dir),
    packer: { ...config.packer, matrix: at(config.packer.matrix), var_files: config.packer.var_files.map(at) },
    signing: { ...config.signing, key: signingKey },
    qemu: { ...config.qemu, image_dir: at(config.qemu.image_dir) },
    media: { ...config.media, download_dir: at(config.media.download_dir ?? join(config.state_dir, 'media')) },
    proxmox: { ...config.proxmox, ca_file: config.proxmox.ca_file ? at(config.proxmox.ca_file) : undefined },
  };
}
