import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type LoadedConfig } from '../../src/config/load-config.js';
import { readSigner } from '../../src/evidence/read-signer.js';
import type { RecordSigner, WrittenRecord } from '../../src/evidence/write-record.js';
import { writeKeyFiles } from '../../src/evidence/write-key-files.js';
import { writeRecord } from '../../src/evidence/write-record.js';
import { runCli, type CliResult } from './run-cli.js';
import { readPromotionRuns, readTree, type PromotionRun } from './read-records.js';
import { spawnPromotion, type SpawnedPromotion } from './spawn-promotion.js';
import { startTestVcsim, type TestVcsim } from './vcsim.js';
import { buildDetails, makeTempDir } from './write-chain.js';

export const SIM_MATRIX = fileURLToPath(new URL('../../packer/sim/matrix.json', import.meta.url));

/** The simulator lines of packer/sim/matrix.json. */
export const UBUNTU = { line: 'sim-ubuntu-24.04', base: 'tpl-ubuntu-24.04' } as const;
export const WINDOWS = { line: 'sim-windows-2025', base: 'tpl-windows-2025' } as const;

export interface SimEnv {
  dir: string;
  configFile: string;
  config: LoadedConfig;
  signer: RecordSigner;
  allowedSigners: string;
  records: string;
  sim: TestVcsim;
  /** The environment the CLI runs with: the test process's, minus any vCenter or goldsmith settings, plus the simulator's. */
  env: NodeJS.ProcessEnv;
  /** `goldsmith --config <file> ...args`, run to its end. */
  cli(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /**
   * `goldsmith promote|rollback <line>` started through the test launcher with a step hook that pauses at
   * `pauseAt` (`<step>:started` or `<step>:acted`): `paused` resolves when it stops there; SIGUSR2 lets it go on.
   */
  spawnPromotion(args: string[], pauseAt: string, extraEnv?: Record<string, string>): SpawnedPromotion;
  /** Seeds the templates packer/sim clones from (only real builds need them). */
  seedForBuilds(): Promise<void>;
  /** A sealed build record of `line` naming `<base>-build`, written with the real writer (no Packer run). */
  sealBuildRecord(line: string, base: string): Promise<WrittenRecord>;
  /** `goldsmith audit` of the records, with the allowed signers. */
  audit(): Promise<CliResult>;
  /** The promotion records of a line, as parsed run.json, oldest first. */
  promotionRuns(line: string): PromotionRun[];
  /** Every file under the records folder and the state folder, concatenated: for secret checks. */
  everything(): string;
}

function clean(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(GOVC_|GOLDSMITH_|PKR_VAR_)/.test(name)));
}

/**
 * goldsmith.yaml for a working folder on the simulator lines (records,
 * state, keys/signing.key beside it), with `extra` lines appended.
 *
 * @example
 * writeFileSync(join(dir, 'goldsmith.yaml'), simConfigYaml(['github:', '  repository: acme/images']));
 */
export function simConfigYaml(extra: readonly string[] = []): string {
  return [
    'records: records',
    'state_dir: state',
    'packer:',
    `  matrix: ${JSON.stringify(SIM_MATRIX)}`,
    'signing:',
    '  key: keys/signing.key',
    'secret_env: [GOVC_PASSWORD]',
    'vsphere:',
    '  datacenter: DC0',
    '  folder: Templates',
    ...extra,
    '',
  ].join('\n');
}

/**
 * A goldsmith working folder on the simulator lines (packer/sim), with its
 * own signing key and its own vcsim, stopped when the test finishes.
 *
 * @example
 * const env = await makeSimEnv();
 * await env.sim.seedTemplate('tpl-ubuntu-24.04-build');
 * await env.sealBuildRecord(UBUNTU.line, UBUNTU.base);
 * expect((await env.cli(['promote', UBUNTU.line])).exitCode).toBe(0);
 */
export async function makeSimEnv(options: { govcTimeoutSeconds?: number } = {}): Promise<SimEnv> {
  const dir = makeTempDir('goldsmith-vsphere-');
  const keys = writeKeyFiles(join(dir, 'keys'), 'goldsmith');
  const configFile = join(dir, 'goldsmith.yaml');
  writeFileSync(configFile, simConfigYaml());
  const config = loadConfig({ file: configFile, cwd: dir, paths: { config: undefined, records: undefined, signingKey: undefined } });
  const signer = readSigner(config.signing.key, 'goldsmith');
  const sim = await startTestVcsim();
  const env: NodeJS.ProcessEnv = { ...clean(process.env), ...sim.env, GOLDSMITH_GOVC_TIMEOUT: String(options.govcTimeoutSeconds ?? 20) };
  const withConfig = (args: string[]) => ['--config', configFile, ...args];
  return {
    dir,
    configFile,
    config,
    signer,
    allowedSigners: keys.allowedSigners,
    records: config.records,
    sim,
    env,
    cli: (args, extraEnv = {}) => runCli(withConfig(args), { cwd: dir, env: { ...env, ...extraEnv }, extendEnv: false }),
    spawnPromotion: (args, pauseAt, extraEnv = {}) => spawnPromotion(withConfig(args), pauseAt, { cwd: dir, env: { ...env, ...extraEnv } }),
    async seedForBuilds() {
      await sim.seedTemplate('seed-ubuntu-24.04', '/DC0/vm/seeds');
      await sim.seedTemplate('seed-windows-2025', '/DC0/vm/seeds');
    },
    sealBuildRecord: (line, base) =>
      writeRecord({
        root: config.records,
        signer,
        content: {
          kind: 'build',
          details: buildDetails(line, {
            target: { platform: 'vsphere', vcenter: sim.server, datacenter: 'DC0', folder: 'Templates', template_name: `${base}-build` },
            artifact: { artifact_id: `${base}-build`, packer_run_uuid: null, builder_type: 'vsphere-clone' },
          }),
          log: (() => {
            const log = join(dir, `${line}.log`);
            writeFileSync(log, `==> vsphere-clone: ${base}-build\n`);
            return log;
          })(),
        },
      }),
    audit: () => runCli(['audit', config.records, '--allowed-signers', keys.allowedSigners]),
    promotionRuns: (line) => readPromotionRuns(config.records, line),
    everything: () => readTree(config.records) + readTree(config.state_dir),
  };
}

/** SHA-256 of a record's SHA256SUMS: what a promotion names its build by. */
export function sumsDigest(records: string, record: string): string {
  return createHash('sha256').update(readFileSync(join(records, record, 'SHA256SUMS'))).digest('hex');
}
