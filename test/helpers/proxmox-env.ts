import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../src/config/load-config.js';
import { readSigner } from '../../src/evidence/read-signer.js';
import { writeKeyFiles } from '../../src/evidence/write-key-files.js';
import { writeRecord, type RecordSigner, type WrittenRecord } from '../../src/evidence/write-record.js';
import { startFakeProxmox, type FakeProxmox, type FakeVm } from '../fakes/proxmox-api.js';
import { runCli, type CliResult } from './run-cli.js';
import { readPromotionRuns, type PromotionRun } from './read-records.js';
import { spawnPromotion, type SpawnedPromotion } from './spawn-promotion.js';
import { buildDetails, makeTempDir } from './write-chain.js';

/** The Proxmox line of test/fixtures/proxmox-lines: VMIDs 9100-9109 (proxmox.vmid_block 10). */
export const PVE_LINE = { line: 'pve-test', base: 'tpl-test', vmid: 9100, last: 9109, node: 'pve' } as const;

export interface ProxmoxEnv {
  dir: string;
  configFile: string;
  config: LoadedConfig;
  signer: RecordSigner;
  allowedSigners: string;
  pve: FakeProxmox;
  env: NodeJS.ProcessEnv;
  cli(args: string[]): Promise<CliResult>;
  spawnPromotion(args: string[], pauseAt: string): SpawnedPromotion;
  /** A template named `name` in the line's block (`<base>` at the stable VMID of a stable line); returns its disk id. */
  seed(name: string, options?: Partial<FakeVm>): FakeVm;
  /** The line's VMs on the node, read from the fake: name → disk id (what follows a template through clones). */
  inventory(): Record<string, string>;
  /** The line's VMs: name → VMID. */
  vmids(): Record<string, number>;
  sealBuildRecord(): Promise<WrittenRecord>;
  audit(): Promise<CliResult>;
  promotionRuns(): PromotionRun[];
}

const open: FakeProxmox[] = [];

/** Stops every fake Proxmox API the helper started (call in afterAll). */
export async function closeProxmoxFakes(): Promise<void> {
  await Promise.all(open.splice(0).map((pve) => pve.close()));
}

const isLines = (base: string, name: string) => name === base || name.startsWith(`${base}-`);

/**
 * A goldsmith working folder whose matrix has one Proxmox line (its Packer
 * template a null-builder stand-in that creates `<base>-build` through the
 * API), a signing key, and a fake Proxmox API of its own, trusted through
 * `proxmox.ca_file` (or `tls: 'fingerprint'`, or not at all: `'none'`).
 *
 * @example
 * const env = await makeProxmoxEnv({ stable: true });
 * env.seed('tpl-test-build');
 * await env.sealBuildRecord();
 * expect((await env.cli(['promote', 'pve-test'])).exitCode).toBe(0);
 */
export async function makeProxmoxEnv(options: { stable?: boolean; tls?: 'ca' | 'fingerprint' | 'none' } = {}): Promise<ProxmoxEnv> {
  const { line, base, vmid, last, node } = PVE_LINE;
  const dir = makeTempDir('goldsmith-proxmox-');
  const pve = await startFakeProxmox();
  open.push(pve);
  cpSync(new URL('../fixtures/proxmox-lines', import.meta.url).pathname, join(dir, 'packer'), { recursive: true });
  if (options.stable) {
    const matrix = JSON.parse(readFileSync(join(dir, 'packer', 'matrix.json'), 'utf8')) as Array<Record<string, unknown>>;
    writeFileSync(join(dir, 'packer', 'matrix.json'), JSON.stringify(matrix.map((entry) => ({ ...entry, stable_vmid: true }))));
  }
  writeFileSync(join(dir, 'packer', 'stand-in', 'pve-test.pkrvars.hcl'), [`base_name = "${base}"`, `proxmox_url = "${pve.url}"`, `proxmox_node = "${node}"`, `proxmox_ca_file = "${pve.caFile}"`, ''].join('\n'));
  const keys = writeKeyFiles(join(dir, 'keys'), 'goldsmith');
  const configFile = join(dir, 'goldsmith.yaml');
  const tls = options.tls ?? 'ca';
  writeFileSync(
    configFile,
    [
      'records: records',
      'state_dir: state',
      'signing:',
      '  key: keys/signing.key',
      'packer:',
      '  vars:',
      '    proxmox_token_id: PROXMOX_TOKEN_ID',
      '    proxmox_token: PROXMOX_TOKEN_SECRET',
      'proxmox:',
      `  node: ${node}`,
      ...(tls === 'ca' ? [`  ca_file: ${pve.caFile}`] : tls === 'fingerprint' ? [`  fingerprint: "${pve.fingerprint}"`] : []),
      '',
    ].join('\n'),
  );
  const config = loadConfig({ file: configFile, cwd: dir, paths: { config: undefined, records: undefined, signingKey: undefined } });
  const signer = readSigner(config.signing.key, 'goldsmith');
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(GOVC_|GOLDSMITH_|PKR_VAR_|PROXMOX_)/.test(name))),
    PROXMOX_URL: pve.url,
    PROXMOX_TOKEN_ID: pve.tokenId,
    PROXMOX_TOKEN_SECRET: pve.secret,
  };
  const withConfig = (args: string[]) => ['--config', configFile, ...args];
  const lineVms = () => [...pve.vms.values()].filter((vm) => vm.node === node && isLines(base, vm.name));
  return {
    dir,
    configFile,
    config,
    signer,
    allowedSigners: keys.allowedSigners,
    pve,
    env,
    cli: (args) => runCli(withConfig(args), { cwd: dir, env, extendEnv: false }),
    spawnPromotion: (args, pauseAt) => spawnPromotion(withConfig(args), pauseAt, { cwd: dir, env }),
    seed(name, extra = {}) {
      const taken = new Set(pve.vms.keys());
      const start = options.stable ? vmid + 1 : vmid;
      const at = options.stable && name === base ? vmid : Array.from({ length: last - start + 1 }, (_, index) => start + index).find((candidate) => !taken.has(candidate));
      if (at === undefined || taken.has(at)) throw new Error(`no free VMID for ${name} in ${vmid}-${last}`);
      return pve.addVm({ vmid: at, name, template: true, ...extra });
    },
    inventory: () => Object.fromEntries(lineVms().map((vm) => [vm.name, vm.disk])),
    vmids: () => Object.fromEntries(lineVms().map((vm) => [vm.name, vm.vmid])),
    async sealBuildRecord() {
      const build = lineVms().find((vm) => vm.name === `${base}-build`);
      const log = join(dir, `${line}.log`);
      writeFileSync(log, `==> proxmox-iso: ${base}-build\n`);
      return writeRecord({
        root: config.records,
        signer,
        content: {
          kind: 'build',
          log,
          details: buildDetails(line, {
            target: { platform: 'proxmox', node, vmid: build?.vmid ?? null, template_name: `${base}-build` },
            artifact: { artifact_id: `${base}-build`, packer_run_uuid: null, builder_type: 'proxmox-iso' },
          }),
        },
      });
    },
    audit: () => runCli(['audit', config.records, '--allowed-signers', keys.allowedSigners]),
    promotionRuns: () => readPromotionRuns(config.records, line),
  };
}
