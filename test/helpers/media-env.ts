import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeKeyFiles } from '../../src/evidence/write-key-files.js';
import { runCli, type CliResult } from './run-cli.js';
import { makeTempDir } from './write-chain.js';

/** One Linux line of the test matrix, on the test mirror. */
export interface MediaLine {
  key: string;
  dist?: string;
  iso_file?: string;
  iso_url?: string;
  sums_url?: string;
  discover?: { index_url: string; pattern: string };
  iso_datastore_path?: string;
  platform?: 'vsphere' | 'proxmox';
}

export interface MediaEnv {
  dir: string;
  records: string;
  stateDir: string;
  allowedSigners: string;
  matrixText: string;
  /** `goldsmith --config <dir>/goldsmith.yaml ...args` with exactly `env` (nothing of the test process's but PATH and HOME). */
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  audit(): Promise<CliResult>;
}

/**
 * A goldsmith project whose matrix (packer/matrix.json) has the given Linux
 * lines, with its own signing key; `yaml` lines are appended to goldsmith.yaml.
 *
 * @example
 * const env = makeMediaEnv([{ key: 'ubuntu-24.04', discover: { index_url: `${mirror.url}/ubuntu/24.04/`, pattern: '…' } }], ['media:', '  max_iso_bytes: 8388608']);
 */
export function makeMediaEnv(lines: readonly MediaLine[], yaml: readonly string[] = []): MediaEnv {
  const dir = makeTempDir('goldsmith-iso-');
  const keys = writeKeyFiles(join(dir, 'keys'), 'goldsmith');
  mkdirSync(join(dir, 'packer'));
  const matrix = lines.map((line) => ({
    key: line.key,
    enabled: true,
    os: 'linux',
    dist: line.dist ?? line.key.split('-')[0],
    version: line.key.split('-').slice(1).join('-') || '1',
    platform: line.platform ?? 'vsphere',
    build_dir: `vsphere/${line.key}`,
    config: `config/${line.key}.pkrvars.hcl`,
    base_name: `linux-${line.key}`,
    ...(line.iso_datastore_path ? { iso_datastore_path: line.iso_datastore_path } : {}),
    ...(line.iso_file ? { iso_file: line.iso_file } : {}),
    ...(line.iso_url ? { iso_url: line.iso_url } : {}),
    ...(line.sums_url ? { sums_url: line.sums_url } : {}),
    ...(line.discover ? { discover: line.discover } : {}),
  }));
  for (const line of lines) {
    // A template folder, so a build record of the line can be sealed (goldsmith seal hashes its HCL).
    mkdirSync(join(dir, 'packer', 'vsphere', line.key), { recursive: true });
    writeFileSync(join(dir, 'packer', 'vsphere', line.key, 'build.pkr.hcl'), 'source "null" "iso" {\n  communicator = "none"\n}\n');
  }
  const matrixText = `${JSON.stringify(matrix, null, 2)}\n`;
  writeFileSync(join(dir, 'packer', 'matrix.json'), matrixText);
  writeFileSync(
    join(dir, 'goldsmith.yaml'),
    ['records: records', 'state_dir: state', 'packer:', '  matrix: packer/matrix.json', 'signing:', '  key: keys/signing.key', 'vsphere:', '  datacenter: DC0', ...yaml, ''].join('\n'),
  );
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir };
  return {
    dir,
    records: join(dir, 'records'),
    stateDir: join(dir, 'state'),
    allowedSigners: keys.allowedSigners,
    matrixText,
    cli: (args, env = {}) => runCli(['--config', join(dir, 'goldsmith.yaml'), ...args], { cwd: dir, env: { ...base, ...env }, extendEnv: false }),
    audit: () => runCli(['audit', join(dir, 'records'), '--allowed-signers', keys.allowedSigners]),
  };
}
