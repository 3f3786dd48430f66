import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { loadMatrix } from '../config/load-matrix.js';
import type { Matrix } from '../config/matrix-schema.js';
import { writeKeyFiles } from '../evidence/write-key-files.js';
import { lineVarFiles } from '../pipeline/line-var-files.js';

/** The demo's working set: its config (on the sim lines), matrix, and the key it signs with. */
export interface DemoSetup {
  demoDir: string;
  config: LoadedConfig;
  matrix: Matrix;
  allowedSigners: string;
}

const IDENTITY = 'goldsmith';

/**
 * Prepares `demo/` (git-ignored), idempotently: a signing key on first use,
 * `goldsmith.yaml` naming the simulator lines of `packer/sim/`, and an empty
 * state folder (vcsim forgets everything between runs, so the job store and
 * promotion journal start afresh too). Records go to `records` and are
 * appended to: the chain grows across runs and audits clean each time.
 *
 * @example
 * const setup = prepareDemo('/srv/goldsmith', '/srv/goldsmith/demo/records');
 */
export function prepareDemo(root: string, records: string): DemoSetup {
  const demoDir = join(root, 'demo');
  mkdirSync(demoDir, { recursive: true });
  const keyDir = join(demoDir, 'keys');
  if (!existsSync(join(keyDir, 'signing.key'))) writeKeyFiles(keyDir, IDENTITY);
  rmSync(join(demoDir, 'state'), { recursive: true, force: true });
  const file = join(demoDir, 'goldsmith.yaml');
  writeFileSync(
    file,
    [
      '# Written by goldsmith demo on every run; edit packer/sim/ instead.',
      `records: ${JSON.stringify(resolve(records))}`,
      'state_dir: state',
      'packer:',
      `  matrix: ${JSON.stringify(join(root, 'packer', 'sim', 'matrix.json'))}`,
      '  binary: packer',
      '# One build at a time: vcsim 0.24.2 sometimes fails two simultaneous clones with FileAlreadyExists',
      '# (docs/vsphere.md). A real vCenter takes max_parallel: 2, the default.',
      'max_parallel: 1',
      'schedule:',
      '  enabled: false',
      'signing:',
      '  key: keys/signing.key',
      `  identity: ${IDENTITY}`,
      '# The simulator password is random per run; it must never reach a log or record.',
      'secret_env: [GOVC_PASSWORD]',
      'vsphere:',
      '  datacenter: DC0',
      '  folder: Templates',
      '',
    ].join('\n'),
  );
  // An empty environment: the user's GOLDSMITH_RECORDS or GOLDSMITH_SIGNING_KEY must not redirect the demo.
  const loaded = loadConfig({ file, cwd: demoDir, paths: { config: undefined, records: undefined, signingKey: undefined } });
  // Records name template folders relative to the checkout (packer/sim/...), not to demo/.
  const config: LoadedConfig = { ...loaded, baseDir: root };
  return { demoDir, config, matrix: loadMatrix(config.packer.matrix), allowedSigners: join(keyDir, 'allowed_signers') };
}

/**
 * The seed template a sim line clones, from `seed_template` in its var-file
 * (relative to the datacenter's VM folder, as Packer takes it).
 *
 * @example
 * seedTemplateOf(config, entry) // 'seeds/seed-ubuntu-24.04'
 */
export function seedTemplateOf(config: LoadedConfig, entry: Matrix[number]): string {
  const file = lineVarFiles(config, entry).own;
  const match = /^\s*seed_template\s*=\s*"([^"]+)"/m.exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${file} sets no seed_template; the simulator lines clone one (see packer/sim/)`);
  return match[1]!;
}
