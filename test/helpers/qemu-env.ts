import { fileURLToPath } from 'node:url';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadConfig, type LoadedConfig } from '../../src/config/load-config.js';
import { readSigner } from '../../src/evidence/read-signer.js';
import { writeKeyFiles } from '../../src/evidence/write-key-files.js';
import { writeRecord, type RecordSigner, type WrittenRecord } from '../../src/evidence/write-record.js';
import { runCli, type CliResult } from './run-cli.js';
import { readPromotionRuns, type PromotionRun } from './read-records.js';
import { spawnPromotion, type SpawnedPromotion } from './spawn-promotion.js';
import { buildDetails, makeTempDir } from './write-chain.js';

/** The QEMU line of test/fixtures/qemu-lines. */

const QEMU_STAND_IN_CLI = fileURLToPath(new URL('./qemu-stand-in-cli.mjs', import.meta.url));
export const QEMU_LINE = { line: 'qemu-test', base: 'img-test' } as const;

export interface QemuEnv {
  dir: string;
  configFile: string;
  config: LoadedConfig;
  signer: RecordSigner;
  allowedSigners: string;
  /** The image directory (qemu.image_dir). */
  images: string;
  env: NodeJS.ProcessEnv;
  cli(args: string[]): Promise<CliResult>;
  spawnPromotion(args: string[], pauseAt: string): SpawnedPromotion;
  /** Writes `<name>.qcow2` (qemu-img when there is one, else a qcow2 header and random bytes) with its sidecars; returns its inode. */
  seedImage(name: string): Promise<string>;
  /** The images in the folder, read with fs alone: name → inode. */
  inventory(): Record<string, string>;
  /** A build record of the line naming `<base>-build.qcow2` and its SHA-256 (`image: null` leaves the image out). */
  sealBuildRecord(options?: { image?: null | { sha256: string } }): Promise<WrittenRecord>;
  audit(): Promise<CliResult>;
  promotionRuns(): PromotionRun[];
}

const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let qemuImg: boolean | undefined;
async function hasQemuImg(): Promise<boolean> {
  qemuImg ??= (await execa('qemu-img', ['--version'], { reject: false })).exitCode === 0;
  return qemuImg;
}

/**
 * Writes `<name>.qcow2` into `images` (qemu-img when there is one, else a
 * qcow2 header and random bytes) with its `.sha256` and `.images.yaml`, as a
 * build would leave it; returns its inode (read with fs alone).
 *
 * @example
 * const inode = await seedQemuImage('/tmp/x/images', 'img-test-build');
 */
export async function seedQemuImage(images: string, name: string): Promise<string> {
  mkdirSync(images, { recursive: true });
  const file = join(images, `${name}.qcow2`);
  if (await hasQemuImg()) await execa('qemu-img', ['create', '-q', '-f', 'qcow2', file, '4M']);
  else writeFileSync(file, Buffer.concat([Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]), randomBytes(4096)]));
  // Two images made alike would be alike: a few distinct bytes at the end tell them apart.
  writeFileSync(file, randomBytes(64), { flag: 'a' });
  writeFileSync(join(images, `${name}.sha256`), `${sha256Of(file)}  ${name}.qcow2\n`);
  const inode = String(statSync(file).ino);
  // The inode in the metadata shows whether it still sits beside its own image after renames.
  writeFileSync(join(images, `${name}.images.yaml`), `# seeded beside the image with inode ${inode}\nos_distro: debian\n`);
  return inode;
}

/** The images in a folder, read with fs alone: name → inode. */
export function qemuInventory(images: string): Record<string, string> {
  if (!existsSync(images)) return {};
  return Object.fromEntries(
    readdirSync(images)
      .filter((file) => file.endsWith('.qcow2') && !file.startsWith('.'))
      .map((file) => [file.slice(0, -'.qcow2'.length), String(statSync(join(images, file)).ino)]),
  );
}

/**
 * A goldsmith working folder whose matrix has one QEMU line (its template a
 * null-builder stand-in that writes a small qcow2 where Packer's output
 * directory is), a signing key, and an image directory.
 *
 * @example
 * const env = await makeQemuEnv();
 * await env.seedImage('img-test-build');
 * await env.sealBuildRecord();
 * expect((await env.cli(['promote', 'qemu-test'])).exitCode).toBe(0);
 */
export async function makeQemuEnv(): Promise<QemuEnv> {
  const dir = makeTempDir('goldsmith-qemu-');
  cpSync(new URL('../fixtures/qemu-lines', import.meta.url).pathname, join(dir, 'packer'), { recursive: true });
  const keys = writeKeyFiles(join(dir, 'keys'), 'goldsmith');
  const configFile = join(dir, 'goldsmith.yaml');
  writeFileSync(configFile, ['records: records', 'state_dir: state', 'signing:', '  key: keys/signing.key', 'qemu:', '  image_dir: images', ''].join('\n'));
  const config = loadConfig({ file: configFile, cwd: dir, paths: { config: undefined, records: undefined, signingKey: undefined } });
  const signer = readSigner(config.signing.key, 'goldsmith');
  const images = config.qemu.image_dir;
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(GOVC_|GOLDSMITH_|PKR_VAR_)/.test(name)));
  const withConfig = (args: string[]) => ['--config', configFile, ...args];
  const imageFile = (name: string) => join(images, `${name}.qcow2`);
  return {
    dir,
    configFile,
    config,
    signer,
    allowedSigners: keys.allowedSigners,
    images,
    env,
    // The stand-in line's image cannot boot: its builds run with the checklist replaced (see the launcher).
    cli: (args) => runCli(withConfig(args), { cwd: dir, env, extendEnv: false }, QEMU_STAND_IN_CLI),
    spawnPromotion: (args, pauseAt) => spawnPromotion(withConfig(args), pauseAt, { cwd: dir, env }),
    seedImage: (name) => seedQemuImage(images, name),
    inventory: () => qemuInventory(images),
    async sealBuildRecord(options = {}) {
      const { line, base } = QEMU_LINE;
      const file = imageFile(`${base}-build`);
      // With no -build in the folder (a record whose image went away), the record still names one.
      const present = existsSync(file);
      const image =
        options.image === null
          ? undefined
          : { file: `${base}-build.qcow2`, sha256: options.image?.sha256 ?? (present ? sha256Of(file) : 'd'.repeat(64)), size: present ? statSync(file).size : 0, format: 'qcow2', virtual_size: 4 << 20 };
      const log = join(dir, `${line}.log`);
      writeFileSync(log, `==> qemu: ${base}-build\n`);
      return writeRecord({
        root: config.records,
        signer,
        content: {
          kind: 'build',
          log,
          details: buildDetails(line, {
            target: { platform: 'qemu', image_directory: images, template_name: `${base}-build` },
            artifact: { artifact_id: `${base}-build.qcow2`, packer_run_uuid: null, builder_type: 'qemu' },
            ...(image ? { image } : {}),
          }),
        },
      });
    },
    audit: () => runCli(['audit', config.records, '--allowed-signers', keys.allowedSigners]),
    promotionRuns: () => readPromotionRuns(config.records, QEMU_LINE.line),
  };
}

/**
 * Asserts what the image directory must always be, whatever was interrupted
 * where: every image has its `.sha256` (naming it, with its SHA-256) and its
 * `.images.yaml`; no sidecar is without its image; no rename is left half-done.
 */
export function checkImageDirectory(images: string): string[] {
  if (!existsSync(images)) return [];
  const problems: string[] = [];
  const files = readdirSync(images);
  const names = new Set(files.filter((file) => file.endsWith('.qcow2') && !file.startsWith('.')).map((file) => file.slice(0, -'.qcow2'.length)));
  for (const name of names) {
    const sums = join(images, `${name}.sha256`);
    if (!existsSync(sums)) problems.push(`${name}.qcow2 has no ${name}.sha256`);
    else if (readFileSync(sums, 'utf8') !== `${sha256Of(join(images, `${name}.qcow2`))}  ${name}.qcow2\n`) problems.push(`${name}.sha256 does not list ${name}.qcow2 with its SHA-256`);
    const metadata = join(images, `${name}.images.yaml`);
    if (!existsSync(metadata)) problems.push(`${name}.qcow2 has no ${name}.images.yaml`);
    else {
      const seededFor = /with inode (\d+)/.exec(readFileSync(metadata, 'utf8'))?.[1];
      if (seededFor && seededFor !== String(statSync(join(images, `${name}.qcow2`)).ino)) problems.push(`${name}.images.yaml belongs to the image with inode ${seededFor}`);
    }
  }
  for (const file of files) {
    const sidecar = /^(.*)\.(sha256|images\.yaml)$/.exec(file);
    if (sidecar && !names.has(sidecar[1]!)) problems.push(`${file} is left without its image`);
    if (file.startsWith('.')) problems.push(`${file} is left over`);
  }
  return problems;
}
